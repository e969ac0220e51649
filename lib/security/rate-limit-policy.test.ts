import { describe, expect, it } from "vitest";
import {
  budgetStatus,
  combineBudgets,
  decideAttempt,
  formatWait,
  lockSecondsAfter,
  refundAttemptState,
  type ConsecutivePolicy,
  type RateLimitPolicy,
  type RateLimitState,
} from "./rate-limit-policy";

const policy: RateLimitPolicy = { kind: "window", freeAttempts: 3, baseLockSeconds: 10, maxLockSeconds: 60, windowSeconds: 3600 };
const t0 = new Date("2026-01-01T00:00:00Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function run(times: number, start: RateLimitState | undefined, now: Date, using: RateLimitPolicy = policy) {
  let state = start;
  for (let i = 0; i < times; i++) {
    const decision = decideAttempt(state, now, using);
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
    expect(refused).toEqual({ allowed: false, reason: "throttled", retryAfterSeconds: 7 });
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
    expect(decision.allowed && decision.state).toEqual({ attempts: 1, windowStartedAt: later(3600), lockedUntil: null, lastAttemptAt: later(3600) });
  });

  it("keeps counting within the window, however the attempts are spread", () => {
    let state = run(1, undefined, t0);
    const second = decideAttempt(state, later(1800), policy);
    expect(second.allowed && second.state).toEqual({ attempts: 2, windowStartedAt: t0, lockedUntil: null, lastAttemptAt: later(1800) });
  });
});

describe("consecutive counters (per account)", () => {
  const consecutive: ConsecutivePolicy = {
    kind: "consecutive", freeAttempts: 3, baseLockSeconds: 10, maxLockSeconds: 60,
    forgetAfterSeconds: 90 * 86_400, alertAtAttempts: 5, capAttempts: 8,
  };

  it("never start over with time while attempts keep coming: waits keep growing, then a cap", () => {
    let state: RateLimitState | undefined;
    let now = t0;
    for (let attempt = 1; attempt <= 8; attempt++) {
      const decision = decideAttempt(state, now, consecutive);
      expect(decision.allowed, `attempt ${attempt}`).toBe(true);
      if (!decision.allowed) return;
      state = decision.state;
      expect(state.attempts).toBe(attempt);
      // The next attempt comes once the lock has passed, a day later: a fixed window would have reset.
      now = new Date(now.getTime() + 86_400_000);
    }
    expect(decideAttempt(state, now, consecutive)).toEqual({ allowed: false, reason: "capped" });
    expect(decideAttempt(state, new Date(now.getTime() + 30 * 86_400_000), consecutive)).toEqual({ allowed: false, reason: "capped" });
  });

  it("forget a counter left quiet for forgetAfterSeconds", () => {
    const state = run(8, undefined, t0, { ...consecutive, maxLockSeconds: 0, baseLockSeconds: 0 });
    const decision = decideAttempt(state, later(90 * 86_400), consecutive);
    expect(decision.allowed && decision.state.attempts).toBe(1);
  });
});

describe("refundAttemptState", () => {
  it("gives one attempt back and lifts a lock the count no longer earns", () => {
    const state = run(3, undefined, t0);
    expect(state.lockedUntil).not.toBeNull();
    expect(refundAttemptState(state, policy)).toMatchObject({ attempts: 2, lockedUntil: null });
    expect(refundAttemptState(run(1, undefined, t0), policy)).toBeNull();
  });

  it("keeps a lock that earlier failures earned", () => {
    // Three failures lock for 10 s; the fourth attempt, after it, locks for 20 s.
    const state = run(3, undefined, t0);
    const refunded = decideAttempt(state, later(10), policy);
    expect(refunded.allowed).toBe(true);
    if (refunded.allowed) expect(refundAttemptState(refunded.state, policy)?.lockedUntil).not.toBeNull();
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

describe("budgetStatus", () => {
  it("counts the tries left before the pause, the one that starts it included", () => {
    expect(budgetStatus(undefined, t0, policy)).toEqual({ state: "open", triesBeforePause: 3, pauseSeconds: 10 });
    expect(budgetStatus(run(1, undefined, t0), t0, policy)).toEqual({ state: "open", triesBeforePause: 2, pauseSeconds: 10 });
    // Exactly what decideAttempt does: the announced tries are allowed, and the last one pauses.
    const announced = run(2, run(1, undefined, t0), t0);
    expect(announced.lockedUntil).toEqual(later(10));
  });

  it("is paused while a lock runs, and says for how long", () => {
    expect(budgetStatus(run(3, undefined, t0), later(4), policy)).toEqual({ state: "paused", retryAfterSeconds: 6 });
  });

  it("after a pause, every try starts the next, longer one", () => {
    expect(budgetStatus(run(3, undefined, t0), later(10), policy)).toEqual({ state: "open", triesBeforePause: 1, pauseSeconds: 20 });
  });

  it("forgets a counter that has expired, and reports a cap", () => {
    expect(budgetStatus(run(3, undefined, t0), later(3600), policy)).toMatchObject({ state: "open", triesBeforePause: 3 });
    const capped: ConsecutivePolicy = { kind: "consecutive", freeAttempts: 1, baseLockSeconds: 1, maxLockSeconds: 1, forgetAfterSeconds: 3600, capAttempts: 2 };
    const state = run(1, run(1, undefined, t0, capped), later(5), capped);
    expect(budgetStatus(state, later(10), capped)).toEqual({ state: "capped" });
  });
});

describe("combineBudgets", () => {
  const open = (tries: number, pause = 60) => ({ state: "open" as const, triesBeforePause: tries, pauseSeconds: pause });
  it("reports the counter that pauses soonest", () => {
    expect(combineBudgets([open(4), open(2, 120)])).toEqual(open(2, 120));
  });
  it("is paused for the longest wait if any counter is paused, and capped before that", () => {
    expect(combineBudgets([open(1), { state: "paused", retryAfterSeconds: 5 }, { state: "paused", retryAfterSeconds: 9 }])).toEqual({ state: "paused", retryAfterSeconds: 9 });
    expect(combineBudgets([{ state: "paused", retryAfterSeconds: 5 }, { state: "capped" }])).toEqual({ state: "capped" });
  });
});
