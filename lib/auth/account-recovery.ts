import "server-only";
import {
  claimDueAccountRecoveryReminders,
  completeAccountRecovery,
  findAccountRecovery,
  findAccountRecoveryByToken,
  replaceRequestedAccountRecovery,
  startAccountRecoveryWait,
  type AccountRecoveryRow,
} from "@/db/queries/account-recoveries";
import { findUserById } from "@/db/queries/users";
import {
  describeDelay,
  RECOVERY_LINK_TTL_MINUTES,
  recoveryWait,
} from "@/lib/auth/account-recovery-rule";
import { completeFirstFactor } from "@/lib/auth/first-factor";
import { checkPassword, type PasswordCheck } from "@/lib/auth/password-sign-in";
import type { Session } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { sha256Hex } from "@/lib/crypto/hash";
import { randomToken } from "@/lib/crypto/random";
import { enqueueMail, kickMailDelivery } from "@/lib/mail/queue";
import { renderAccountRecoveryLinkMail, renderAccountRecoveryReminderMail } from "@/lib/mail/templates";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import { resetAttempts, spendAccountRecoveryLinkUse, spendAccountRecoveryRequest } from "@/lib/security/rate-limit";

export { cancelAccountRecovery } from "@/lib/auth/account-recovery-cancel";

/**
 * Account recovery for an owner who lost every second factor (docs/security.md, "Account
 * recovery"). The steps, each single use (one conditional statement on the account's row in
 * `account_recoveries`) and rate-limited (lib/security/rate-limit.ts):
 *
 * 1. request: from the second step, right after the password, "I can't use any of my factors"
 *    mails a link to the account's address, only when that address is verified;
 * 2. open: the link starts the waiting period (ACCOUNT_RECOVERY_DELAY), mailed, logged, and shown
 *    as a banner with Cancel this recovery in every signed-in session; any successful second
 *    factor cancels it (lib/auth/account-recovery-cancel.ts);
 * 3. finish: after the wait, the link again plus the password remove every second factor and
 *    every session, and leave this browser an aal1 session; the owner is mailed.
 *
 * The token is 256 bits from the CSPRNG and only its SHA-256 is stored; a new request replaces an
 * unopened link, never a running wait.
 */

/** Same shape as randomToken(): 32 bytes, base64url. Anything else is refused before any lookup. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedRecoveryToken(token: unknown): token is string {
  return typeof token === "string" && TOKEN_PATTERN.test(token);
}

function hashRecoveryToken(token: string): string {
  return sha256Hex(token);
}

function recoveryLink(token: string): string {
  const url = new URL("/account-recovery", getConfig().origin);
  url.searchParams.set("token", token);
  return url.href;
}

/** The configured wait in words ("72 hours"), for the pages and mails. */
export function recoveryDelayText(): string {
  return describeDelay(getConfig().ACCOUNT_RECOVERY_DELAY);
}

export type RecoveryRequestResult =
  | { ok: true }
  /** The address was never proved: a link there could reach anyone. The page points to support. */
  | { ok: false; reason: "unverified_email" }
  /** A recovery already waits (its link was opened): a new request neither restarts nor shortens it. */
  | { ok: false; reason: "already_waiting"; finishableAt: Date }
  /** The recovery under way ended at this very moment (finished or cancelled): ask again. */
  | { ok: false; reason: "raced" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * "I can't use any of my factors". The caller has checked that this session is at the second
 * step (it has just proved the password). The answer names no address: the page says "your
 * email address", which the user has just typed.
 */
export async function requestAccountRecovery(session: Session, client: ClientContext, now = new Date()): Promise<RecoveryRequestResult> {
  const limit = await spendAccountRecoveryRequest(session.userId, client, now);
  if (!limit.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: limit.reason === "throttled" ? limit.retryAfterSeconds : 3600 };
  const user = await findUserById(session.userId);
  if (!user || user.emailVerifiedAt === null) return { ok: false, reason: "unverified_email" };

  const token = randomToken(32);
  const stored = await replaceRequestedAccountRecovery({
    userId: user.id,
    tokenHash: hashRecoveryToken(token),
    status: "requested",
    createdAt: now,
    expiresAt: new Date(now.getTime() + RECOVERY_LINK_TTL_MINUTES * 60 * 1000),
    startedAt: null,
    finishableAt: null,
    reminderDueAt: null,
    reminderSentAt: null,
  });
  if (!stored) {
    // Only a live wait keeps its row (the upsert's WHERE): say when it ends. Should it have ended
    // between the two statements (finished, cancelled), the user may simply ask again.
    const waiting = await findAccountRecovery(user.id, now);
    return waiting?.finishableAt ? { ok: false, reason: "already_waiting", finishableAt: waiting.finishableAt } : { ok: false, reason: "raced" };
  }
  const mail = renderAccountRecoveryLinkMail({
    appName: getConfig().APP_NAME,
    link: recoveryLink(token),
    validMinutes: RECOVERY_LINK_TTL_MINUTES,
    delay: recoveryDelayText(),
  });
  await enqueueMail({ userId: user.id, kind: "account_recovery_link", to: user.email, ...mail }, now);
  kickMailDelivery();
  await recordSecurityEvent(user.id, "account_recovery.requested", client);
  return { ok: true };
}

/** Where a recovery stands, for the page the link lands on. */
export type RecoveryState =
  | { kind: "waiting"; email: string; finishableAt: Date }
  | { kind: "finishable"; email: string; expiresAt: Date };

function stateOf(recovery: AccountRecoveryRow, email: string, now: Date): RecoveryState | null {
  if (recovery.status !== "waiting" || !recovery.finishableAt) return null;
  return recovery.finishableAt.getTime() > now.getTime()
    ? { kind: "waiting", email, finishableAt: recovery.finishableAt }
    : { kind: "finishable", email, expiresAt: recovery.expiresAt };
}

export type RecoveryLinkResult =
  | { ok: true; state: RecoveryState; cookieMaxAgeSeconds: number }
  /** Unknown, lapsed, finished, cancelled or replaced: one answer. */
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Opening the mailed link (app/(auth)/account-recovery/link/route.ts). The first opening starts
 * the wait: logged, which mails the owner (lib/security/notifications.ts). Later openings change
 * nothing; after the wait they lead to Finish recovery.
 */
export async function openAccountRecoveryLink(token: unknown, client: ClientContext, now = new Date()): Promise<RecoveryLinkResult> {
  const limit = await spendAccountRecoveryLinkUse(client, now);
  if (!limit.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: limit.reason === "throttled" ? limit.retryAfterSeconds : 3600 };
  if (!isWellFormedRecoveryToken(token)) return { ok: false, reason: "expired" };
  const tokenHash = hashRecoveryToken(token);
  const found = await findAccountRecoveryByToken(tokenHash, now);
  if (!found) return { ok: false, reason: "expired" };
  let recovery = found.recovery;
  if (recovery.status === "requested") {
    const started = await startAccountRecoveryWait({ tokenHash, now, ...recoveryWait(now, getConfig().ACCOUNT_RECOVERY_DELAY) });
    if (started) {
      await recordSecurityEvent(started.userId, "account_recovery.started", client, { finishable_at: started.finishableAt?.toISOString() ?? null });
      recovery = started;
    } else {
      // A concurrent opening started it (or it ended meanwhile): read what it is now.
      const again = await findAccountRecoveryByToken(tokenHash, now);
      if (!again) return { ok: false, reason: "expired" };
      recovery = again.recovery;
    }
  }
  const state = stateOf(recovery, found.email, now);
  if (!state) return { ok: false, reason: "expired" };
  return { ok: true, state, cookieMaxAgeSeconds: (recovery.expiresAt.getTime() - now.getTime()) / 1000 };
}

/** The state behind the token in the recovery cookie, or null; reads only (the page). */
export async function readAccountRecovery(token: unknown, now = new Date()): Promise<RecoveryState | null> {
  if (!isWellFormedRecoveryToken(token)) return null;
  const found = await findAccountRecoveryByToken(hashRecoveryToken(token), now);
  return found ? stateOf(found.recovery, found.email, now) : null;
}

export type FinishRecoveryResult =
  | { ok: true }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "too_early"; finishableAt: Date }
  /** The password step's own refusals (lib/auth/password-sign-in.ts), from sign-in's budget. */
  | { ok: false; reason: "password"; check: Exclude<PasswordCheck, { ok: true }> };

/**
 * Finish recovery: the link (in its cookie) and the password, after the wait. The password is
 * checked exactly as a sign-in checks it (same budget, same throttling); then one transaction
 * spends the row and removes every second factor and session (db/queries/account-recoveries.ts),
 * and this browser gets a new session at aal1 that has just authenticated.
 */
export async function finishAccountRecovery(token: unknown, password: unknown, client: ClientContext, now = new Date()): Promise<FinishRecoveryResult> {
  if (!isWellFormedRecoveryToken(token)) return { ok: false, reason: "expired" };
  const tokenHash = hashRecoveryToken(token);
  const found = await findAccountRecoveryByToken(tokenHash, now);
  const state = found ? stateOf(found.recovery, found.email, now) : null;
  if (!found || !state) return { ok: false, reason: "expired" };
  if (state.kind === "waiting") return { ok: false, reason: "too_early", finishableAt: state.finishableAt };

  const check = await checkPassword({ email: found.email, password }, client);
  if (!check.ok) return { ok: false, reason: "password", check };
  if (check.user.id !== found.recovery.userId) return { ok: false, reason: "expired" };

  const config = getConfig();
  // Under REQUIRE_SECOND_FACTOR the recovered account gets no new grace period: its deadline
  // becomes now, so signing in leads only to setting up a factor again (lib/auth/guards.ts).
  const requiredSince = config.REQUIRE_SECOND_FACTOR
    ? new Date(now.getTime() - config.REQUIRE_SECOND_FACTOR_GRACE_DAYS * 24 * 60 * 60 * 1000)
    : undefined;
  const completed = await completeAccountRecovery(tokenHash, now, requiredSince);
  if (!completed) return { ok: false, reason: "expired" };
  const { userId } = completed.recovery;
  // Nothing is left to guess at: a second-factor lock after 100 failures ends with the factors.
  await resetAttempts("secondFactorAccount", userId);
  await recordSecurityEvent(userId, "account_recovery.completed", client, {
    authenticator_apps: completed.removed.totpCredentials,
    security_keys: completed.removed.webauthnCredentials,
    recovery_code_sets: completed.removed.recoveryCodeSets,
    sessions_ended: completed.removed.sessions,
  });
  // Every session of the account went in the transaction, this browser's half sign-in too: this
  // is a fresh sign-in with the password, complete at aal1 now that no second factor is left.
  await completeFirstFactor(userId, { method: "password" }, "sign_in", client);
  return { ok: true };
}

/** For the banner on every signed-in page: when a recovery's wait ends, or null when none waits. */
export async function pendingAccountRecovery(userId: string, now = new Date()): Promise<{ finishableAt: Date } | null> {
  const recovery = await findAccountRecovery(userId, now);
  return recovery?.status === "waiting" && recovery.finishableAt ? { finishableAt: recovery.finishableAt } : null;
}

/** Housekeeping: the reminder before each wait ends (claimed once across processes). How many were queued. */
export async function sendDueAccountRecoveryReminders(now = new Date()): Promise<number> {
  const due = await claimDueAccountRecoveryReminders(now);
  const config = getConfig();
  for (const recovery of due) {
    if (!recovery.finishableAt) continue;
    const mail = renderAccountRecoveryReminderMail({
      appName: config.APP_NAME,
      settingsUrl: new URL("/settings/security", config.origin).href,
      finishableAt: recovery.finishableAt,
    });
    // Queued at the real time, not `now` (a housekeeping run may be handed another): delivery goes by the clock.
    await enqueueMail({ userId: recovery.userId, kind: "account_recovery_reminder", to: recovery.email, ...mail });
  }
  if (due.length > 0) kickMailDelivery();
  return due.length;
}
