import "server-only";
import type { Aal } from "@/lib/auth/aal";
import type { Session } from "@/lib/auth/session";
import { codesViewBinding } from "@/lib/auth/session";
import { beginRecoveryCodeSet, getRecoveryCodesStatus, type PendingRecoveryCodes } from "@/lib/mfa/recovery-codes";

/**
 * Right after the account's FIRST second factor (of any kind) is added: a fresh recovery-code set
 * to show inline at once, so the user saves them before leaving the page. Offered once: a user who
 * skips is reminded by the Recovery codes section until a set is confirmed, not by every later
 * factor. Generated in the action that added the factor (a page
 * render writes nothing), pending and bound to this session and page view like any set
 * (app/actions/recovery-codes.ts confirms it). Not a server action: the caller has already checked
 * the privileged session and added the factor.
 */
export async function offerRecoveryCodes(session: Session, availableAalBefore: Aal): Promise<PendingRecoveryCodes | undefined> {
  if (availableAalBefore !== "aal1" || (await getRecoveryCodesStatus(session.userId))) return undefined;
  const view = (await codesViewBinding({ create: true }))!;
  return beginRecoveryCodeSet(session.userId, { sessionId: session.id, view });
}
