import type { PasswordCheck } from "@/lib/auth/password-sign-in";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { RETRY_MESSAGES } from "../retry-messages";

/** Sign-in messages in one place. One message for wrong email and wrong password, on purpose. */
export const SIGN_IN_MESSAGES = {
  invalid: "That email and password don't match an account. Check them and try again.",
  busy: RETRY_MESSAGES.busy,
  throttled: (seconds: number) => `Too many sign-in attempts. Try again in ${formatWait(seconds)}.`,
  // Keyed by the email typed, so this reads the same whether or not the account exists.
  locked:
    "Password sign-in is paused for this email after too many wrong passwords. Sign in with a passkey if you have one, reset your password (Forgot password?), or contact support to unlock it.",
  raced: RETRY_MESSAGES.raced,
} as const;

/** The words for why a password sign-in was refused (lib/auth/password-sign-in.ts says why). */
export function passwordRefusalMessage(check: Extract<PasswordCheck, { ok: false }>): string {
  if (check.reason === "throttled") return SIGN_IN_MESSAGES.throttled(check.retryAfterSeconds);
  return SIGN_IN_MESSAGES[check.reason];
}

/** Re-authentication of a signed-in user: the account is known, so a wrong password is named. */
export const CONFIRM_MESSAGES = {
  incorrect: "Incorrect password.",
} as const;
