import "server-only";
import { cancelAccountRecoveryAfterSecondFactor } from "@/lib/auth/account-recovery-cancel";
import { meetsAal, isPrivileged, secondFactorStepOpen, type Aal } from "@/lib/auth/aal";
import { recordAuthenticationStep, type Session } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { availableAal } from "@/lib/mfa";
import type { SecondFactorMethodId, VerifyFailure, VerifyOutcome } from "@/lib/mfa/types";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import type { SecurityEventDetail } from "@/lib/security/event-types";
import type { BudgetStatus } from "@/lib/security/rate-limit-policy";
import {
  reachedAlert,
  secondFactorBudgetStatus,
  secondFactorSucceeded,
  spendSecondFactorAttempt,
  type SecondFactorBudget,
} from "@/lib/security/rate-limit";

/**
 * The sign-in flow's steps: what a request may reach in each state, and how a second factor
 * completes a sign-in (first factors end in lib/auth/first-factor.ts).
 */

export type Access =
  | { kind: "anonymous" }
  /** Signed in with the first factor only, on an account that has a second factor. */
  | { kind: "second_factor_due"; session: Session; availableAal: Aal }
  | { kind: "signed_in"; session: Session; availableAal: Aal; privileged: boolean };

export async function accessFor(session: Session | null, now = new Date()): Promise<Access> {
  if (!session) return { kind: "anonymous" };
  const available = await availableAal(session.userId);
  if (!meetsAal(session.aal, available)) return { kind: "second_factor_due", session, availableAal: available };
  const privileged = isPrivileged(session.authenticatedAt, getConfig().PRIVILEGED_SESSION_MAX_AGE, now);
  return { kind: "signed_in", session, availableAal: available, privileged };
}

/** May this session use the second-factor step: fresh sign-in, or a re-authentication under way? */
export function mayCompleteSecondFactor(access: Access, now = new Date()): access is Exclude<Access, { kind: "anonymous" }> {
  if (access.kind === "anonymous") return false;
  const { session } = access;
  if (access.kind === "second_factor_due") {
    // A fresh sign-in has the step's lifetime (after it the session itself ends). A session that
    // was complete at aal1 before the account gained a second factor may step up.
    return session.authenticatedAt === null ? secondFactorStepOpen(session.secondFactorDueSince, now) : true;
  }
  return access.availableAal === "aal2" && secondFactorStepOpen(session.secondFactorDueSince, now);
}

/**
 * Why a second-factor attempt didn't complete, for the page to word: the method's own reason, or
 * the shared budget (throttled for a while, locked until support), or a concurrent change.
 */
export type SecondFactorRefusal =
  /** A wrong answer, with where the shared budget stands after it (the page warns before a pause). */
  | { reason: VerifyFailure; budget: BudgetStatus }
  | { reason: "raced" | "locked" }
  | { reason: "throttled"; retryAfterSeconds: number };

export type SecondFactorResult = { ok: true } | ({ ok: false } & SecondFactorRefusal);

/**
 * The shared core of every second-factor check (sign-in, re-authentication, password reset): spend
 * the account's and the address's budget first (so parallel guesses can't overspend and a
 * throttled user is refused even with a right code), verify, log a refusal (with the mail at 10
 * in a row), and on success start the account's count over and cancel any account recovery. `context` is added to the log detail.
 */
export async function checkSecondFactor(
  userId: string,
  method: SecondFactorMethodId,
  client: ClientContext,
  verify: () => Promise<VerifyOutcome>,
  context: SecurityEventDetail = {},
  budget: SecondFactorBudget = "sign_in",
): Promise<{ ok: true; detail: SecurityEventDetail } | ({ ok: false } & SecondFactorRefusal)> {
  const limit = await spendSecondFactorAttempt(userId, client, budget);
  if (!limit.allowed) {
    if (limit.reason === "capped") {
      await recordSecurityEvent(userId, "second_factor.locked", client, { ...context, method });
      return { ok: false, reason: "locked" };
    }
    await recordSecurityEvent(userId, "second_factor.throttled", client, { ...context, method });
    return { ok: false, reason: "throttled", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const outcome = await verify();
  if (!outcome.ok) {
    const type = outcome.reason === "replayed" && method === "totp" ? "totp.replay_refused" : "second_factor.failed";
    await recordSecurityEvent(userId, type, client, { ...outcome.detail, ...context, method, reason: outcome.reason });
    // Ten wrong second steps in a row: someone who has the password is guessing (mailed).
    if (reachedAlert("secondFactorAccount", limit)) await recordSecurityEvent(userId, "second_factor.failures_alert", client, { ...context, method });
    return { ok: false, reason: outcome.reason, budget: await secondFactorBudgetStatus(userId, client, budget) };
  }
  await secondFactorSucceeded(userId, client, budget);
  // Whoever just proved a second factor still has one: an account recovery under way ends.
  await cancelAccountRecoveryAfterSecondFactor(userId, client);
  return { ok: true, detail: { ...context, method, ...outcome.detail } };
}

/** A session at the second step. */
export type SecondFactorStepAccess = Exclude<Access, { kind: "anonymous" }>;

/**
 * Whose budget this step spends: a session that is signed in already is confirming it's them
 * (re-authentication), so the account's only; a sign-in's also spends the client address's.
 */
export function secondFactorBudgetOf(access: SecondFactorStepAccess): SecondFactorBudget {
  return access.kind === "signed_in" ? "reauth" : "sign_in";
}

/** Where this step's next attempt stands (paused, near a pause), for the page to show before any typing. */
export function secondFactorStepStatus(access: SecondFactorStepAccess, client: ClientContext): Promise<BudgetStatus> {
  return secondFactorBudgetStatus(access.session.userId, client, secondFactorBudgetOf(access));
}

/**
 * One attempt at a session's second factor, for every method: the shared check, then append the
 * method to the AMR, restart the privileged window and rotate the token.
 */
export async function attemptSecondFactor(
  access: SecondFactorStepAccess,
  method: SecondFactorMethodId,
  client: ClientContext,
  verify: () => Promise<VerifyOutcome>,
): Promise<SecondFactorResult> {
  const { session } = access;
  const checked = await checkSecondFactor(session.userId, method, client, verify, {}, secondFactorBudgetOf(access));
  if (!checked.ok) return checked;
  const token = await recordAuthenticationStep(session, { method, effect: "complete" });
  if (!token) return { ok: false, reason: "raced" };
  await recordSecurityEvent(session.userId, "second_factor.succeeded", client, checked.detail);
  return { ok: true };
}
