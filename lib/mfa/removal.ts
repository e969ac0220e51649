import "server-only";
import type { MethodContext, RemoveOutcome } from "@/lib/mfa/types";
import { deleteAllRecoveryCodes } from "@/lib/mfa/recovery-codes";
import { recordSecurityEvent, type SecurityEventType } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * The after-removal rule, applied by every method's `remove`: recovery codes back up the other
 * methods and must not outlive the last of them (Safewhere's "offboarding"). Once the account is
 * back to aal1 its codes are deleted. Returns whether any were.
 */
export async function afterSecondFactorRemoved(userId: string, client: ClientContext): Promise<{ recoveryCodesDeleted: boolean }> {
  // The registry imports every method, and every method's remove() comes here: a static import
  // would be a cycle that breaks whichever module loads first.
  const { availableAal } = await import("@/lib/mfa");
  if ((await availableAal(userId)) !== "aal1") return { recoveryCodesDeleted: false };
  const { hadValidSet } = await deleteAllRecoveryCodes(userId);
  if (hadValidSet) await recordSecurityEvent(userId, "recovery_codes.deleted", client, { reason: "no_second_factor_left" });
  return { recoveryCodesDeleted: hadValidSet };
}

/**
 * A method's removal, in the order the log should show it: the credential goes, its event is
 * written, then the after-removal rule runs. `deleted` is null when there was nothing to remove.
 */
export async function removeSecondFactor(
  userId: string,
  context: MethodContext,
  event: SecurityEventType,
  deleted: Promise<{ detail?: Record<string, string | number | boolean> } | null>,
): Promise<RemoveOutcome> {
  const removed = await deleted;
  if (!removed) return { ok: false, reason: "not_found" };
  await recordSecurityEvent(userId, event, context.client, removed.detail);
  const { recoveryCodesDeleted } = await afterSecondFactorRemoved(userId, context.client);
  return { ok: true, recoveryCodesDeleted, ...(removed.detail ? { detail: removed.detail } : {}) };
}
