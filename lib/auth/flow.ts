import "server-only";
import { meetsAal, isPrivileged, secondFactorStepOpen, type Aal } from "@/lib/auth/aal";
import { recordAuthenticationStep, type Session } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { availableAal } from "@/lib/mfa";
import type { SecondFactorMethodId, VerifyOutcome } from "@/lib/mfa/types";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { reachedAlert, secondFactorSucceeded, spendSecondFactorAttempt } from "@/lib/security/rate-limit";

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

export type SecondFactorResult = { ok: true } | { ok: false; message: string };

export const SECOND_FACTOR_MESSAGES = {
  invalid: "That code isn't valid. Check it and try again.",
  key_invalid: "That security key wasn't accepted. Try again, or use another method.",
  replayed: "That code was already used. Wait for your app to show a new one.",
  not_enrolled: "That method isn't set up for your account. Choose another.",
  raced: "Your session changed while this was checked. Please try again.",
  throttled: (seconds: number) => `Too many attempts. Try again in ${formatWait(seconds)}.`,
  locked:
    "Two-step verification is locked for this account after too many wrong attempts. Nobody can sign in to it with a code or key until support unlocks it; contact support.",
} as const;

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
  const limit = await spendSecondFactorAttempt(session.userId, client);
  if (!limit.allowed) {
    if (limit.reason === "capped") {
      await recordSecurityEvent(session.userId, "second_factor.locked", client, { method });
      return { ok: false, message: SECOND_FACTOR_MESSAGES.locked };
    }
    await recordSecurityEvent(session.userId, "second_factor.throttled", client, { method });
    return { ok: false, message: SECOND_FACTOR_MESSAGES.throttled(limit.retryAfterSeconds) };
  }
  const outcome = await verify();
  if (!outcome.ok) {
    const type = outcome.reason === "replayed" && method === "totp" ? "totp.replay_refused" : "second_factor.failed";
    await recordSecurityEvent(session.userId, type, client, { method, reason: outcome.reason });
    // Ten wrong second steps in a row: someone who has the password is guessing (mailed).
    if (reachedAlert("secondFactorAccount", limit)) await recordSecurityEvent(session.userId, "second_factor.failures_alert", client, { method });
    const message = method === "webauthn" && outcome.reason === "invalid" ? SECOND_FACTOR_MESSAGES.key_invalid : SECOND_FACTOR_MESSAGES[outcome.reason];
    return { ok: false, message };
  }
  await secondFactorSucceeded(session.userId, client);
  const token = await recordAuthenticationStep(session, { method, effect: "complete" });
  if (!token) return { ok: false, message: SECOND_FACTOR_MESSAGES.raced };
  await recordSecurityEvent(session.userId, "second_factor.succeeded", client, { method, ...outcome.detail });
  return { ok: true };
}
