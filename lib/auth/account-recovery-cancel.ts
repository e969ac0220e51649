import "server-only";
import { deleteAccountRecovery, findAccountRecovery } from "@/db/queries/account-recoveries";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * Ending an account recovery before it finishes, in a module of its own: the second-factor flow
 * (lib/auth/flow.ts) and the passkey sign-in call it, and the rest of lib/auth/account-recovery.ts
 * depends on the flow, so keeping this apart keeps the imports one way.
 *
 * Why a second factor cancels: a recovery is for an owner who lost every factor. Whoever proves a
 * factor still has one, and the likeliest other party, someone who has the password and the
 * mailbox, can't. Either way the recovery has no business going on.
 */
export type RecoveryCancelReason = "second_factor" | "owner";

/** Ends the account's recovery, if one is under way (logged and mailed); whether one was. */
export async function cancelAccountRecovery(userId: string, reason: RecoveryCancelReason, client: ClientContext): Promise<boolean> {
  const removed = await deleteAccountRecovery(userId);
  if (!removed) return false;
  await recordSecurityEvent(userId, "account_recovery.cancelled", client, { reason, status: removed.status });
  return true;
}

/**
 * For the hot path of every second-factor success: a read first (an indexed primary-key lookup),
 * so the usual case, no recovery, writes nothing.
 */
export async function cancelAccountRecoveryAfterSecondFactor(userId: string, client: ClientContext, now = new Date()): Promise<void> {
  if (!(await findAccountRecovery(userId, now))) return;
  await cancelAccountRecovery(userId, "second_factor", client);
}
