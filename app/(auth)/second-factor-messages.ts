import type { SecondFactorRefusal } from "@/lib/auth/flow";
import type { SecondFactorMethodId } from "@/lib/mfa/types";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { RETRY_MESSAGES } from "./retry-messages";

/** The second step's words for each reason lib/auth/flow.ts and lib/mfa give. */
export const SECOND_FACTOR_MESSAGES = {
  invalid: "That code isn't valid. Check it and try again.",
  key_invalid: "That security key wasn't accepted. Try again, or use another method.",
  possibly_cloned:
    "That security key wasn't accepted: it may have been copied. Use another method, and check your security log once you're in.",
  replayed: "That code was already used. Wait for your app to show a new one.",
  not_enrolled: "That method isn't set up for your account. Choose another.",
  raced: RETRY_MESSAGES.raced,
  throttled: (seconds: number) => `Too many attempts. Try again in ${formatWait(seconds)}.`,
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
