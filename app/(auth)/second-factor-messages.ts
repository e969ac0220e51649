import type { FormState } from "@/components/ui/form-state";
import type { SecondFactorRefusal } from "@/lib/auth/flow";
import type { SecondFactorMethodId } from "@/lib/mfa/types";
import { PAUSE_MESSAGES, RETRY_MESSAGES, pauseWarning } from "./retry-messages";

/** The second step's words for each reason lib/auth/flow.ts and lib/mfa give. */
export const SECOND_FACTOR_MESSAGES = {
  invalid: "That code isn't valid. Check it and try again.",
  key_invalid: "That security key wasn't accepted. Try again, or use another method.",
  possibly_cloned:
    "That security key wasn't accepted: it may have been copied. Use another method, and check your security log once you're in.",
  replayed: "That code was already used. Wait for your app to show a new one.",
  not_enrolled: "That method isn't set up for your account. Choose another.",
  raced: RETRY_MESSAGES.raced,
  throttled: PAUSE_MESSAGES.secondFactorPaused,
  // The recovery path (lib/auth/account-recovery.ts) is the owner's own way out; support stays the last resort.
  locked:
    "Two-step verification is locked for this account after too many wrong attempts: no code or key is accepted. If this is your account, choose “I can't use any of my factors” below to recover it, or contact support.",
} as const;

export function secondFactorMessage(method: SecondFactorMethodId, refusal: SecondFactorRefusal): string {
  switch (refusal.reason) {
    case "throttled":
      return SECOND_FACTOR_MESSAGES.throttled(refusal.retryAfterSeconds);
    case "invalid":
      // "Code" is the wrong word for a key's signature.
      return method === "webauthn" ? SECOND_FACTOR_MESSAGES.key_invalid : SECOND_FACTOR_MESSAGES.invalid;
    default:
      return SECOND_FACTOR_MESSAGES[refusal.reason];
  }
}

/**
 * A refusal as the form shows it: the reason, then where the shared budget stands after a wrong
 * answer (a warning before a pause, or the pause it just started), with the wait for the countdown.
 */
export function secondFactorRefusalState(method: SecondFactorMethodId, refusal: SecondFactorRefusal): FormState {
  const message = secondFactorMessage(method, refusal);
  if (refusal.reason === "throttled") return { message, retryAfterSeconds: refusal.retryAfterSeconds };
  if (!("budget" in refusal)) return { message };
  const { budget } = refusal;
  if (budget.state === "paused") {
    return { message: `${message} ${SECOND_FACTOR_MESSAGES.throttled(budget.retryAfterSeconds)}`, retryAfterSeconds: budget.retryAfterSeconds };
  }
  if (budget.state === "capped") return { message: `${message} ${SECOND_FACTOR_MESSAGES.locked}` };
  const warning = pauseWarning(budget);
  return { message: warning ? `${message} ${warning}` : message };
}

/** The second step's links to its other methods (app/(auth)/second-step/other-methods.tsx). */
export const SWITCH_METHOD_LABELS: Record<SecondFactorMethodId, string> = {
  webauthn: "Use a security key instead",
  totp: "Use an authenticator app instead",
  lookup_secret: "Use a recovery code",
};
