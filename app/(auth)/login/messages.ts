import { formatWait } from "@/lib/security/rate-limit-policy";

/** Sign-in messages in one place. One message for wrong email and wrong password, on purpose. */
export const SIGN_IN_MESSAGES = {
  invalid: "That email and password don't match an account. Check them and try again.",
  busy: "We're very busy right now. Please try again in a few seconds.",
  throttled: (seconds: number) => `Too many sign-in attempts. Try again in ${formatWait(seconds)}.`,
  // Keyed by the email typed, so this reads the same whether or not the account exists.
  locked:
    "Password sign-in is paused for this email after too many wrong passwords. Sign in with a passkey if you have one, reset your password (Forgot password?), or contact support to unlock it.",
} as const;

export function signInMessage(code: string | undefined): string {
  const throttled = /^throttled:(\d+)$/.exec(code ?? "");
  if (throttled) return SIGN_IN_MESSAGES.throttled(Number(throttled[1]));
  if (code === "locked") return SIGN_IN_MESSAGES.locked;
  return code === "busy" ? SIGN_IN_MESSAGES.busy : SIGN_IN_MESSAGES.invalid;
}
