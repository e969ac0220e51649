import "server-only";
import { findUserById, markSecondFactorRequired } from "@/db/queries/users";
import type { Aal } from "@/lib/auth/aal";
import { getConfig } from "@/lib/config";
import { getRecoveryCodesStatus } from "@/lib/mfa/recovery-codes";
import { secondFactorPolicyState, type SecondFactorPolicyState } from "@/lib/auth/second-factor-policy-rule";

export { secondFactorPolicyState, type SecondFactorPolicyState };

/**
 * The operator policy REQUIRE_SECOND_FACTOR (docs/security.md, "Requiring 2FA"). The deadline of
 * an account is `users.second_factor_required_since` + REQUIRE_SECOND_FACTOR_GRACE_DAYS; that
 * column is the first time the policy applied to the account: its sign-up, or, for an account
 * older than the policy, its first sign-in after the policy was switched on. It is set at sign-in
 * (a write path), never by a page render, and never moved: switching the policy off and on again
 * keeps each account's deadline.
 */
export async function notePolicyAtSignIn(userId: string, now = new Date()): Promise<void> {
  if (getConfig().REQUIRE_SECOND_FACTOR) await markSecondFactorRequired(userId, now);
}

/**
 * Where a signed-in account stands under the policy, or null when nothing is asked of it (policy
 * off, or a second factor and a confirmed recovery-code set are set up). Reads only; with the
 * policy off it reads nothing at all.
 */
export async function secondFactorPolicyFor(userId: string, availableAal: Aal, now = new Date()): Promise<SecondFactorPolicyState | null> {
  const config = getConfig();
  if (!config.REQUIRE_SECOND_FACTOR) return null;
  const user = await findUserById(userId);
  if (!user) return null;
  const hasSecondFactor = availableAal === "aal2";
  // Recovery codes matter only once the deadline has passed (then they are part of what is asked).
  const recoveryCodes = hasSecondFactor ? (await getRecoveryCodesStatus(userId)) !== null : false;
  return secondFactorPolicyState({
    graceDays: config.REQUIRE_SECOND_FACTOR_GRACE_DAYS,
    requiredSince: user.secondFactorRequiredSince,
    hasSecondFactor,
    hasRecoveryCodes: recoveryCodes,
    now,
  });
}
