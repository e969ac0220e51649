import { describe, expect, it } from "vitest";
import { decideAttempt, formatWait, lockSecondsAfter, type RateLimitPolicy, type RateLimitState } from "./rate-limit-policy";

const policy: RateLimitPolicy = { freeAttempts: 3, baseLockSeconds: 10, maxLockSeconds: 60, forgetAfterSeconds: 3600 };
const t0 = new Date("2026-01-01T00:00:00Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function run(times: number, start: RateLimitState | undefined, now: Date) {
  let state = start;
  for (let i = 0; i < times; i++) {
    const decision = decideAttempt(state, now, policy);
    if (!decision.allowed) throw new Error(`attempt ${i + 1} refused`);
    state = decision.state;
  }
  return state!;
}

describe("decideAttempt", () => {
  it("allows the free attempts without a lock", () => {
    const state = run(3, undefined, t0);
    expect(state.attempts).toBe(3);
    expect(state.lockedUntil).toBeNull();
  });

  it("locks after the free attempts and refuses while locked, with the remaining wait", () => {
    const state = run(4, undefined, t0);
    expect(state.lockedUntil).toEqual(later(10));
    const refused = decideAttempt(state, later(3), policy);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 7 });
  });

  it("doubles the lock for every further attempt, up to the cap", () => {
    expect([4, 5, 6, 7, 8, 50].map((n) => lockSecondsAfter(n, policy))).toEqual([10, 20, 40, 60, 60, 60]);
    expect(lockSecondsAfter(10_000, policy)).toBe(60);
  });

  it("allows one attempt again once the lock has passed (bounded back-off)", () => {
    const state = run(4, undefined, t0);
    const decision = decideAttempt(state, later(10), policy);
    expect(decision.allowed).toBe(true);
    if (decision.allowed) expect(decision.state.lockedUntil).toEqual(later(30));
  });

  it("forgets an idle counter", () => {
    const state = run(3, undefined, t0);
    const decision = decideAttempt(state, later(3600), policy);
    expect(decision.allowed && decision.state.attempts).toBe(1);
  });
});

describe("formatWait", () => {
  it("uses the largest sensible unit, rounding up", () => {
    expect(formatWait(1)).toBe("1 second");
    expect(formatWait(59)).toBe("59 seconds");
    expect(formatWait(61)).toBe("2 minutes");
    expect(formatWait(3600)).toBe("1 hour");
    expect(formatWait(3601)).toBe("2 hours");
  });
});
