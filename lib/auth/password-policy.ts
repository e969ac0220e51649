import "server-only";
import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * NIST SP 800-63B §3.1.1.2: at least 8 characters, allow at least 64 (we allow 128), no composition
 * rules, and refuse values from lists of commonly used or compromised passwords. The list is the
 * ~49,000 most common passwords that zxcvbn-ts ships.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"] as string[]);
  return common;
}

/** Length is counted in Unicode code points, so an emoji counts as one character. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** Returns the message to show, or null when the password is acceptable. */
export function checkNewPassword(password: string, email?: string): string | null {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  const lowered = password.toLowerCase();
  if (commonPasswords().has(lowered)) {
    return "This password is one of the most commonly used and easy to guess. Choose another.";
  }
  if (email && lowered === email.toLowerCase()) {
    return "Your password can't be your email address.";
  }
  return null;
}
