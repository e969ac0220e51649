/**
 * The REQUIRE_SECOND_FACTOR rule as a pure function (lib/auth/second-factor-policy.ts feeds it).
 *
 * - `deadline`: requiredSince + graceDays. Until requiredSince is stored (a session signed in before
 *   the policy was switched on; the next sign-in stores it), it counts from now: the deadline shown
 *   is never earlier than the one that will be stored.
 * - Before the deadline, an account without a second factor is only told (a banner).
 * - From the deadline on (`enforced`), the account may use only enrolment until it has a second
 *   factor AND a confirmed recovery-code set: a factor without codes is one lost phone away from
 *   the operator's desk.
 */
export interface SecondFactorPolicyState {
  deadline: Date;
  enforced: boolean;
  /** What is still missing. */
  missing: "second_factor" | "recovery_codes";
}

const DAY_MS = 86_400_000;

export function secondFactorPolicyState(input: {
  graceDays: number;
  requiredSince: Date | null;
  hasSecondFactor: boolean;
  hasRecoveryCodes: boolean;
  now: Date;
}): SecondFactorPolicyState | null {
  const since = input.requiredSince ?? input.now;
  const deadline = new Date(since.getTime() + input.graceDays * DAY_MS);
  const enforced = input.now.getTime() >= deadline.getTime();
  if (input.hasSecondFactor && (input.hasRecoveryCodes || !enforced)) return null;
  return { deadline, enforced, missing: input.hasSecondFactor ? "recovery_codes" : "second_factor" };
}
