import "server-only";
import { deleteSession } from "@/db/queries/sessions";
import { meetsAal, isPrivileged, secondFactorStepOpen, type Aal, type AuthMethod } from "@/lib/auth/aal";
import {
  createSession,
  recordAuthenticationStep,
  type Session,
} from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { availableAal } from "@/lib/mfa";
import type { SecondFactorMethodId, VerifyFailure, VerifyOutcome } from "@/lib/mfa/types";
import { recordSecurityEvent } from "@/lib/security/audit";
import { ipBucketKey, type ClientContext } from "@/lib/security/client";
import { reachedAlert, refundAttempt, resetAttempts, spendAttempts } from "@/lib/security/rate-limit";

/**
 * The sign-in flow's steps, in one place: what a first factor does to a browser's session, how a
 * second factor completes it, and what a request may reach in each state.
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
 * A first factor succeeded in this browser. If the browser already holds a session of the same
 * user, this is a re-authentication: it is appended to that session (token rotated). Otherwise a
 * new session starts (any session of another user in this browser ends). Returns the cookie token.
 */
export async function completeFirstFactor(
  userId: string,
  method: Extract<AuthMethod, "password" | "oidc">,
  existing: Session | null,
  client: ClientContext,
): Promise<string> {
  const complete = (await availableAal(userId)) === "aal1";
  if (existing && existing.userId === userId) {
    const token = await recordAuthenticationStep(existing, { method, effect: complete ? "complete" : "first_factor" });
    if (token) {
      await recordSecurityEvent(userId, "reauth.succeeded", client, { method, second_factor_due: !complete });
      return token;
    }
  } else if (existing) {
    await deleteSession(existing.id);
  }
  const token = await createSession({ userId, method, complete, client });
  await recordSecurityEvent(userId, "signin.succeeded", client, { method, second_factor_due: !complete });
  return token;
}

/**
 * Why a second-factor attempt didn't complete, for the page to word: the method's own reason, or
 * the shared budget (throttled for a while, locked until support), or a concurrent change.
 */
export type SecondFactorRefusal =
  | { reason: VerifyFailure | "raced" | "locked" }
  | { reason: "throttled"; retryAfterSeconds: number };

export type SecondFactorResult = { ok: true } | ({ ok: false } & SecondFactorRefusal);

/**
 * One attempt at a second factor, for every method: spend the shared budget first (so parallel
 * guesses can't overspend and a throttled user is refused even with a right code), verify, then
 * append the method to the AMR, restart the privileged window and rotate the token.
 */
export async function attemptSecondFactor(
  session: Session,
  method: SecondFactorMethodId,
  client: ClientContext,
  verify: () => Promise<VerifyOutcome>,
): Promise<SecondFactorResult> {
  const ipKey = ipBucketKey(client.ip);
  const limit = await spendAttempts([
    ["secondFactorAccount", session.userId],
    ["secondFactorIp", ipKey],
  ]);
  if (!limit.allowed) {
    if (limit.reason === "capped") {
      await recordSecurityEvent(session.userId, "second_factor.locked", client, { method });
      return { ok: false, reason: "locked" };
    }
    await recordSecurityEvent(session.userId, "second_factor.throttled", client, { method });
    return { ok: false, reason: "throttled", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const outcome = await verify();
  if (!outcome.ok) {
    const type = outcome.reason === "replayed" && method === "totp" ? "totp.replay_refused" : "second_factor.failed";
    await recordSecurityEvent(session.userId, type, client, { ...outcome.detail, method, reason: outcome.reason });
    // Ten wrong second steps in a row: someone who has the password is guessing (mailed).
    if (reachedAlert("secondFactorAccount", limit)) await recordSecurityEvent(session.userId, "second_factor.failures_alert", client, { method });
    return { ok: false, reason: outcome.reason };
  }
  await Promise.all([resetAttempts("secondFactorAccount", session.userId), refundAttempt("secondFactorIp", ipKey)]);
  const token = await recordAuthenticationStep(session, { method, effect: "complete" });
  if (!token) return { ok: false, reason: "raced" };
  await recordSecurityEvent(session.userId, "second_factor.succeeded", client, { method, ...outcome.detail });
  return { ok: true };
}
