import "server-only";
import {
  activateRecoveryCodeSet,
  claimRecoveryCode,
  countUnusedRecoveryCodes,
  deleteAllRecoveryCodeSets,
  deletePendingRecoveryCodeSet,
  deletePendingRecoveryCodeSets,
  findActiveRecoveryCodeSet,
  hasUnusedRecoveryCode,
  replacePendingRecoveryCodeSet,
} from "@/db/queries/recovery-codes";
import { seal, unseal } from "@/lib/crypto/encryption";
import { hmacSha256Hex } from "@/lib/crypto/hash";
import { allKeys, currentKey, type DerivedKey } from "@/lib/crypto/keys";
import { randomId } from "@/lib/crypto/random";
import {
  RECOVERY_CODES_PER_SET,
  formatRecoveryCode,
  generateRecoveryCodes,
  normaliseRecoveryCode,
} from "@/lib/mfa/recovery-code-format";
import type { SecondFactorMethod, VerifyOutcome } from "@/lib/mfa/types";
import { recordSecurityEvent } from "@/lib/security/audit";

/**
 * Recovery codes (Kratos' "lookup secrets"): ten single-use codes that stand in for the other
 * second factors. Storage: HMAC-SHA-256 under a server key (never the code), so a stolen database
 * yields nothing usable and one check costs one HMAC per key rather than ten password hashes; the
 * codes have 64 bits of entropy, so a slow hash would add nothing. Lookup is by the HMAC through
 * the index: the code itself is never compared as a string, and timing of the lookup can at most
 * reveal bits of an HMAC the attacker can't compute. See docs/recovery-codes.md.
 */

/** A generated set may be confirmed this long; after that it must be generated again. */
export const PENDING_SET_MAX_AGE_SECONDS = 15 * 60;
/** At or below this many unused codes the user is offered a new set right after using one. */
export const LOW_RECOVERY_CODES_THRESHOLD = 3;

export const recoveryCodesMethod: SecondFactorMethod<"lookup_secret"> = {
  id: "lookup_secret",
  // A fallback for the other methods, never a reason on its own to ask for a second factor.
  raisesAvailableAal: false,
  async isEnrolled(userId) {
    return hasUnusedRecoveryCode(userId);
  },
  verify: (userId, { code }, { now }) => verifyRecoveryCode(userId, code, now),
  // The whole set goes (codes are never removed one by one). The after-removal rule has nothing
  // to add: it only ever deletes recovery codes.
  async remove(userId, _credentialId, { client }) {
    const { hadValidSet } = await deleteAllRecoveryCodes(userId);
    if (!hadValidSet) return { ok: false, reason: "not_found" };
    await recordSecurityEvent(userId, "recovery_codes.deleted", client, { reason: "removed" });
    return { ok: true, recoveryCodesDeleted: true };
  },
  async removeAll(userId) {
    await deleteAllRecoveryCodes(userId);
  },
};

/** Deletes every set, valid or pending; says whether a valid one existed (worth telling the user). */
export async function deleteAllRecoveryCodes(userId: string): Promise<{ hadValidSet: boolean }> {
  const hadValidSet = (await findActiveRecoveryCodeSet(userId)) !== undefined;
  await deleteAllRecoveryCodeSets(userId);
  return { hadValidSet };
}

/**
 * The user id is part of the MAC input, so equal codes of two accounts have unrelated hashes and
 * a row copied to another account would not match there either.
 */
export function hashRecoveryCode(userId: string, normalisedCode: string, key: DerivedKey): string {
  return hmacSha256Hex(key.key, `${userId}\0${normalisedCode}`);
}

export interface PendingRecoveryCodes {
  /** Set id and codes sealed to this user, session and view, carried by the confirm form (no JS needed). */
  sealed: string;
  /** Display form, in order: codes[0] is number 1. */
  codes: string[];
  generatedAt: string;
}

/**
 * Who may confirm a pending set: the session it was generated in, on the page view that showed it
 * (lib/security/page-view.ts). Once the browser opens such a page again, the view changes and the
 * codes still on an older screen can't be confirmed: unconfirmed codes live only while on screen.
 */
export interface PendingBinding {
  sessionId: string;
  view: string;
}

const pendingContext = (userId: string, sessionId: string) => `recovery-codes-pending:${userId}:${sessionId}`;

interface SealedPending {
  setId: string;
  codes: string[];
  generatedAt: string;
  /** Inside the sealed value, not its context, so a stale form still names its set (to discard it). */
  view: string;
}

/** The sealed set, if it is intact, unexpired, this user's and session's and still on this view. */
function openPending(sealed: string, userId: string, binding: PendingBinding): SealedPending | null {
  const pending = unseal<SealedPending>(sealed, pendingContext(userId, binding.sessionId));
  return pending && pending.view === binding.view ? pending : null;
}

/**
 * Step one: a new set, stored hashed as "pending" and bound to this session and view. The current
 * codes (if any) stay valid until the user confirms the new ones.
 */
export async function beginRecoveryCodeSet(userId: string, binding: PendingBinding, now = new Date()): Promise<PendingRecoveryCodes> {
  const codes = generateRecoveryCodes(RECOVERY_CODES_PER_SET);
  const key = currentKey("recovery-code-hmac");
  const setId = randomId();
  await replacePendingRecoveryCodeSet(
    { id: setId, userId, sessionId: binding.sessionId, createdAt: now },
    codes.map((code, i) => ({ position: i + 1, codeHash: hashRecoveryCode(userId, code, key), keyId: key.id })),
  );
  const display = codes.map(formatRecoveryCode);
  const generatedAt = now.toISOString();
  const value: SealedPending = { setId, codes: display, generatedAt, view: binding.view };
  const sealed = seal(value, pendingContext(userId, binding.sessionId), PENDING_SET_MAX_AGE_SECONDS);
  return { sealed, codes: display, generatedAt };
}

/** Shows a pending set again (e.g. the confirm box wasn't ticked); null once expired, tampered or left. */
export function reopenPendingRecoveryCodes(sealed: string, userId: string, binding: PendingBinding): PendingRecoveryCodes | null {
  const pending = openPending(sealed, userId, binding);
  return pending ? { sealed, codes: pending.codes, generatedAt: pending.generatedAt } : null;
}

export type ConfirmRecoveryCodesOutcome = { ok: true; replacedPrevious: boolean } | { ok: false; reason: "expired" };

/** Step two: the user saved the codes; they replace the old set atomically. */
export async function confirmRecoveryCodeSet(
  sealed: string,
  userId: string,
  binding: PendingBinding,
  now = new Date(),
): Promise<ConfirmRecoveryCodesOutcome> {
  const pending = openPending(sealed, userId, binding);
  if (!pending) return { ok: false, reason: "expired" };
  const outcome = await activateRecoveryCodeSet({
    userId,
    setId: pending.setId,
    sessionId: binding.sessionId,
    createdAfter: new Date(now.getTime() - PENDING_SET_MAX_AGE_SECONDS * 1000),
    now,
  });
  return outcome.activated ? { ok: true, replacedPrevious: outcome.replacedPrevious } : { ok: false, reason: "expired" };
}

/**
 * A confirm that was refused: the set its form names can never become valid, so its rows go now
 * (only that set: a newer one of the same session, on the current view, stays confirmable).
 */
export async function discardRefusedRecoveryCodes(sealed: string, userId: string, sessionId: string): Promise<void> {
  const pending = unseal<SealedPending>(sealed, pendingContext(userId, sessionId));
  if (pending) await deletePendingRecoveryCodeSet(userId, sessionId, pending.setId);
}

/**
 * Cancel: the session's unconfirmed codes go. Only this session's: only it could confirm them, and
 * the user may be looking at them on another device. Sets nobody discards (the tab was closed)
 * can't be confirmed either and are pruned by housekeeping (lib/housekeeping.ts) once older than
 * PENDING_SET_MAX_AGE_SECONDS; rendering a page never deletes them.
 */
export async function discardPendingRecoveryCodes(userId: string, sessionId: string): Promise<void> {
  await deletePendingRecoveryCodeSets(userId, sessionId);
}

/**
 * Checks a code at sign-in and spends it. One HMAC per key that may have written it (current and
 * previous AUTH_SECRET), each a single conditional UPDATE; used and unknown codes answer alike.
 */
export async function verifyRecoveryCode(userId: string, rawCode: string, now = new Date()): Promise<VerifyOutcome> {
  const code = normaliseRecoveryCode(rawCode);
  if (!code) return { ok: false, reason: "invalid" };
  for (const key of allKeys("recovery-code-hmac")) {
    const claimed = await claimRecoveryCode({ userId, codeHash: hashRecoveryCode(userId, code, key), keyId: key.id, usedAt: now });
    if (claimed) {
      // Non-secret detail for the security log, and what a notification will need to say.
      return { ok: true, detail: { code_number: claimed.position, codes_remaining: await countUnusedRecoveryCodes(claimed.setId) } };
    }
  }
  return { ok: false, reason: "invalid" };
}

export interface RecoveryCodesStatus {
  createdAt: Date;
  total: number;
  remaining: number;
  used: Array<{ number: number; usedAt: Date }>;
}

/** A confirmed set older than this is worth replacing: paper gets lost, password managers change. */
export const RECOVERY_CODES_STALE_AFTER_DAYS = 365;

/**
 * Why the settings page should remind an account with a second factor about its recovery codes:
 * no confirmed set (never made, or skipped after the first factor), 3 or fewer left, or a set over
 * a year old. Null: nothing to say.
 */
export type RecoveryCodesReminder = "none" | "few_left" | "old";

export function recoveryCodesReminder(status: RecoveryCodesStatus | null, now = new Date()): RecoveryCodesReminder | null {
  if (!status) return "none";
  if (status.remaining <= LOW_RECOVERY_CODES_THRESHOLD) return "few_left";
  if (now.getTime() - status.createdAt.getTime() > RECOVERY_CODES_STALE_AFTER_DAYS * 86_400_000) return "old";
  return null;
}

/** What the settings page shows about the valid set (never the codes: they are shown once). */
export async function getRecoveryCodesStatus(userId: string): Promise<RecoveryCodesStatus | null> {
  const set = await findActiveRecoveryCodeSet(userId);
  if (!set) return null;
  const used = set.codes
    .filter((c): c is { position: number; usedAt: Date } => c.usedAt !== null)
    .map((c) => ({ number: c.position, usedAt: c.usedAt }))
    .sort((a, b) => a.usedAt.getTime() - b.usedAt.getTime());
  return { createdAt: set.createdAt, total: set.codes.length, remaining: set.codes.length - used.length, used };
}
