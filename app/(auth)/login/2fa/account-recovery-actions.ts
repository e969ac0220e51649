"use server";

import { requestAccountRecovery } from "@/lib/auth/account-recovery";
import { requireSecondFactorStep } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { formFields } from "@/lib/security/action-input";
import { getClientContext } from "@/lib/security/client";
import { ACCOUNT_RECOVERY_REQUEST_MESSAGES, type RecoveryRequestState } from "./account-recovery-messages";

/**
 * **I can't use any of my factors**: only from the second step, i.e. right after the password
 * (requireSecondFactorStep checks that itself: an action is a public POST endpoint). It has no
 * input to parse but where the user was going.
 */
export async function requestAccountRecoveryAction(_previous: RecoveryRequestState, input: FormData): Promise<RecoveryRequestState> {
  const returnTo = safeReturnTo(formFields(input).get("return_to"));
  const { session } = await requireSecondFactorStep(returnTo);
  const result = await requestAccountRecovery(session, await getClientContext());
  if (result.ok) return { sent: true, message: ACCOUNT_RECOVERY_REQUEST_MESSAGES.sent };
  switch (result.reason) {
    case "unverified_email":
      return { message: ACCOUNT_RECOVERY_REQUEST_MESSAGES.unverified_email };
    case "already_waiting":
      return { message: ACCOUNT_RECOVERY_REQUEST_MESSAGES.already_waiting(result.finishableAt) };
    case "raced":
      return { message: ACCOUNT_RECOVERY_REQUEST_MESSAGES.raced };
    case "throttled":
      return { message: ACCOUNT_RECOVERY_REQUEST_MESSAGES.throttled(result.retryAfterSeconds) };
  }
}
