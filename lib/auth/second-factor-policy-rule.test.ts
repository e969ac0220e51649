import { describe, expect, it } from "vitest";
import { secondFactorPolicyState } from "./second-factor-policy-rule";

const DAY = 86_400_000;
const since = new Date("2026-05-01T12:00:00Z");
const base = { graceDays: 14, requiredSince: since, hasSecondFactor: false, hasRecoveryCodes: false };

describe("REQUIRE_SECOND_FACTOR's rule", () => {
  it("gives an account without a second factor its deadline, then enforces it from the deadline on", () => {
    const before = secondFactorPolicyState({ ...base, now: new Date(since.getTime() + 13 * DAY) });
    expect(before).toEqual({ deadline: new Date(since.getTime() + 14 * DAY), enforced: false, missing: "second_factor" });
    expect(secondFactorPolicyState({ ...base, now: new Date(since.getTime() + 14 * DAY) })?.enforced).toBe(true);
  });

  it("counts from now until the account's start is stored, so the deadline shown never comes early", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    expect(secondFactorPolicyState({ ...base, requiredSince: null, now })).toEqual({ deadline: new Date(now.getTime() + 14 * DAY), enforced: false, missing: "second_factor" });
  });

  it("asks nothing of an account with a second factor before the deadline, and recovery codes after it", () => {
    const early = new Date(since.getTime() + DAY);
    const late = new Date(since.getTime() + 20 * DAY);
    expect(secondFactorPolicyState({ ...base, hasSecondFactor: true, now: early })).toBeNull();
    expect(secondFactorPolicyState({ ...base, hasSecondFactor: true, now: late })).toMatchObject({ enforced: true, missing: "recovery_codes" });
    expect(secondFactorPolicyState({ ...base, hasSecondFactor: true, hasRecoveryCodes: true, now: late })).toBeNull();
  });

  it("with 0 grace days, enforces at once", () => {
    expect(secondFactorPolicyState({ ...base, graceDays: 0, now: since })?.enforced).toBe(true);
  });
});
