import { formatWait } from "@/lib/security/rate-limit-policy";

/** Sign-in messages in one place. One message for wrong email and wrong password, on purpose. */
export const SIGN_IN_MESSAGES = {
  invalid: "That email and password don't match an account. Check them and try again.",
  busy: "We're very busy right now. Please try again in a few seconds.",
  throttled: (seconds: number) => `Too many sign-in attempts. Try again in ${formatWait(seconds)}.`,
} as const;

export function signInMessage(code: string | undefined): string {
  const throttled = /^throttled:(\d+)$/.exec(code ?? "");
  if (throttled) return SIGN_IN_MESSAGES.throttled(Number(throttled[1]));
  return code === "busy" ? SIGN_IN_MESSAGES.busy : SIGN_IN_MESSAGES.invalid;
}
