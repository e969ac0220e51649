import "server-only";
import type { Aal } from "@/lib/auth/aal";
import type { MethodContext, RemovedCredential } from "@/lib/mfa/types";
import { deleteAllRecoveryCodes, getRecoveryCodesStatus } from "@/lib/mfa/recovery-codes";
import { recordSecurityEvent, type SecurityEventType } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * The after-removal rule, applied by the registry after every method's `remove`: recovery codes
 * back up the other methods and must not outlive the last of them (Safewhere's "offboarding").
 * Once the account is back to aal1 its codes are deleted. Returns whether any were.
 */
export async function afterSecondFactorRemoved(
  userId: string,
  client: ClientContext,
  availableAal: (userId: string) => Promise<Aal>,
): Promise<{ recoveryCodesDeleted: boolean }> {
  if ((await availableAal(userId)) !== "aal1") return { recoveryCodesDeleted: false };
  const { hadValidSet } = await deleteAllRecoveryCodes(userId);
  if (hadValidSet) await recordSecurityEvent(userId, "recovery_codes.deleted", client, { reason: "no_second_factor_left" });
  return { recoveryCodesDeleted: hadValidSet };
}

/**
 * A method's own removal, in the order the log should show it: the credential goes, then its
 * event is written (the registry then runs the after-removal rule). `deleted` is null when there
 * was nothing to remove. When it was the account's last second factor, the event says so
 * (`last_second_factor`, and `recovery_codes_deleted` when the rule is about to delete a valid
 * set), so the one mail about it (lib/mail/templates.ts) can say that two-step verification is off.
 */
export async function removeCredential(
  userId: string,
  context: MethodContext,
  event: SecurityEventType,
  deleted: Promise<{ detail?: Record<string, string | number | boolean> } | null>,
): Promise<RemovedCredential> {
  const removed = await deleted;
  if (!removed) return { ok: false, reason: "not_found" };
  const last = context.hasSecondFactor ? !(await context.hasSecondFactor(userId)) : false;
  const detail = last
    ? { ...removed.detail, last_second_factor: true, recovery_codes_deleted: (await getRecoveryCodesStatus(userId)) !== null }
    : removed.detail;
  await recordSecurityEvent(userId, event, context.client, detail);
  return removed.detail ? { ok: true, detail: removed.detail } : { ok: true };
}
