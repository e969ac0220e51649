import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordWeakness } from "@/lib/auth/password-policy";

/** The words for each reason lib/auth/password-policy.ts refuses a new password (sign-up, reset, settings). */
export const NEW_PASSWORD_MESSAGES: Record<PasswordWeakness, string> = {
  too_short: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
  too_long: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  common: "This password is one of the most commonly used and easy to guess. Choose another.",
  context_word: "Don't use your email address or the app's name in your password.",
  control_character: "Use only characters you can type: no tabs, line breaks or other control characters.",
};
