import "server-only";
import { dictionary } from "@zxcvbn-ts/language-common";
import { getConfig } from "@/lib/config";

/**
 * NIST SP 800-63B §3.1.1.2: at least 8 characters, allow at least 64 (we allow 128), no composition
 * rules, and refuse values from lists of commonly used or compromised passwords. The list is the
 * ~49,000 most common passwords that zxcvbn-ts ships. ASVS 5.0 V6.2.11: also refuse passwords built
 * on context-specific words (the app's name, the account's email).
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Context words shorter than this are ignored: they occur in too many unrelated passwords. */
const MIN_CONTEXT_WORD_LENGTH = 3;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"] as string[]);
  return common;
}

/** Length is counted in Unicode code points, so an emoji counts as one character. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/**
 * NIST SP 800-63B §5.1.1.2: passwords are normalised before hashing (lib/auth/password.ts), so "é"
 * typed as U+00E9 on one keyboard and as "e" + U+0301 on another is one password. NFKC also folds
 * compatibility forms (full-width letters, ligatures) that look the same to the person typing.
 * The rules below apply to this form, since it is what the hash sees.
 */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Normalised, then lower case, for comparisons. */
function fold(text: string): string {
  return normalisePassword(text).toLowerCase();
}

/** The app's name, the whole email and its local part, each also without its separators ("john.smith" → "johnsmith"). */
function contextWords(email: string | undefined): string[] {
  const words = [getConfig().APP_NAME];
  if (email) words.push(email, email.slice(0, Math.max(0, email.lastIndexOf("@"))));
  const folded = words.map(fold).flatMap((word) => [word, word.replace(/[^\p{L}\p{N}]/gu, "")]);
  return [...new Set(folded)]
    .filter((word) => passwordLength(word) >= MIN_CONTEXT_WORD_LENGTH)
    // Longest first, so the whole email goes before the local part it contains.
    .sort((a, b) => b.length - a.length);
}

/**
 * A context word adds no strength: an attacker targeting this account tries it first. So we take
 * every context word out of the password and ask whether what is left would pass on its own (long
 * enough, not a common password). That refuses "twofold2026!" and "alice123456" but keeps a long
 * passphrase that happens to contain the word, which refusing any occurrence would not (NIST
 * discourages rules that reject strong passwords for their form).
 */
function leansOnContextWord(folded: string, email: string | undefined): boolean {
  let rest = folded;
  let found = false;
  for (const word of contextWords(email)) {
    if (rest.includes(word)) {
      found = true;
      rest = rest.split(word).join("");
    }
  }
  return found && (passwordLength(rest) < PASSWORD_MIN_LENGTH || commonPasswords().has(rest));
}

/**
 * Control characters (Unicode category Cc: NUL, tab, line breaks, DEL …) can't be typed into a
 * password field (Tab moves the focus, browsers strip line breaks), so a password holding one could
 * be set by a script but never typed again at sign-in. NIST SP 800-63B asks to accept every
 * *printing* character and Unicode; these are neither. Format characters (Cf, e.g. the zero-width
 * joiner inside emoji) stay allowed.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Why a new password is refused; the forms word it (app/(auth)/password-messages.ts). */
export type PasswordWeakness = "too_short" | "too_long" | "common" | "context_word" | "control_character";

/** Returns why the password is refused, or null when it is acceptable. */
export function checkNewPassword(password: string, email?: string): PasswordWeakness | null {
  const normalised = normalisePassword(password);
  const length = passwordLength(normalised);
  if (length < PASSWORD_MIN_LENGTH) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  if (CONTROL_CHARACTER.test(normalised)) return "control_character";
  const folded = fold(normalised);
  if (commonPasswords().has(folded)) return "common";
  if (leansOnContextWord(folded, email)) return "context_word";
  return null;
}
