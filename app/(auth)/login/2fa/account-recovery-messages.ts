import type { FormState } from "@/components/ui/form-state";
import { RECOVERY_LINK_TTL_MINUTES } from "@/lib/auth/account-recovery-rule";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { RETRY_MESSAGES } from "../../retry-messages";

export type RecoveryRequestState = FormState & { sent?: boolean };

const WHEN = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/**
 * The words for each answer of requestAccountRecovery (lib/auth/account-recovery.ts). None names
 * the address: the user typed it a moment ago, and the page must not tell anyone more than that.
 */
export const ACCOUNT_RECOVERY_REQUEST_MESSAGES = {
  sent: `We sent a recovery link to your email address. Open it within ${RECOVERY_LINK_TTL_MINUTES} minutes to start the waiting period.`,
  unverified_email:
    "Your email address was never verified, so we can't send a recovery link to it: it might not be yours. Contact support to recover your account.",
  already_waiting: (finishableAt: Date) =>
    `An account recovery is already under way. From ${WHEN.format(finishableAt)} UTC, open the link we sent you again to finish it.`,
  raced: RETRY_MESSAGES.raced,
  throttled: (seconds: number) => `Too many recovery requests. Try again in ${formatWait(seconds)}.`,
} as const;
