import { describe, expect, it } from "vitest";
import { decideAttempt, formatWait, lockSecondsAfter, type RateLimitPolicy, type RateLimitState } from "./rate-limit-policy";

const policy: RateLimitPolicy = { freeAttempts: 3, baseLockSeconds: 10, maxLockSeconds: 60, windowSeconds: 3600 };
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
  it("allows the free attempts, locking only after the last of them", () => {
    const state = run(2, undefined, t0);
    expect(state.attempts).toBe(2);
    expect(state.lockedUntil).toBeNull();
    expect(run(3, undefined, t0).lockedUntil).toEqual(later(10));
  });

  it("refuses while locked, with the remaining wait, and spends nothing", () => {
    const state = run(3, undefined, t0);
    expect(state.lockedUntil).toEqual(later(10));
    const refused = decideAttempt(state, later(3), policy);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 7, state: null });
  });

  it("doubles the lock for every further attempt, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => lockSecondsAfter(n, policy))).toEqual([0, 0, 10, 20, 40, 60, 60]);
    expect(lockSecondsAfter(10_000, policy)).toBe(60);
  });

  it("allows one attempt again once the lock has passed (bounded back-off)", () => {
    const state = run(3, undefined, t0);
    const decision = decideAttempt(state, later(10), policy);
    expect(decision.allowed).toBe(true);
    if (decision.allowed) expect(decision.state.lockedUntil).toEqual(later(30));
  });

  it("starts over when the window has passed", () => {
    const state = run(2, undefined, t0);
    const decision = decideAttempt(state, later(3600), policy);
    expect(decision.allowed && decision.state).toEqual({ attempts: 1, windowStartedAt: later(3600), lockedUntil: null });
  });

  it("keeps counting within the window, however the attempts are spread", () => {
    let state = run(1, undefined, t0);
    const second = decideAttempt(state, later(1800), policy);
    expect(second.allowed && second.state).toEqual({ attempts: 2, windowStartedAt: t0, lockedUntil: null });
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
