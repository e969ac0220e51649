import type { PasswordCheck } from "@/lib/auth/password-sign-in";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { RETRY_MESSAGES } from "../retry-messages";

/** The recovery page's words for each answer of lib/auth/account-recovery.ts. */
export const RECOVERY_MESSAGES = {
  expired: "This recovery link has expired, was already used, or the recovery was cancelled. To recover your account, sign in and ask for a new one.",
  throttled: "Too many recovery links opened from your network. Wait a few minutes, then open the link again.",
  empty_password: "Enter your password.",
  too_long: "That password is too long.",
  // The account is known from the link: a wrong password can be named.
  invalid: "Incorrect password.",
  busy: RETRY_MESSAGES.busy,
  locked: "Password sign-in is paused for this account after too many wrong passwords. Reset your password (Forgot password?) or contact support.",
  password_throttled: (seconds: number) => `Too many attempts. Try again in ${formatWait(seconds)}.`,
} as const;

export function recoveryPasswordMessage(check: Extract<PasswordCheck, { ok: false }>): string {
  if (check.reason === "throttled") return RECOVERY_MESSAGES.password_throttled(check.retryAfterSeconds);
  return RECOVERY_MESSAGES[check.reason];
}
