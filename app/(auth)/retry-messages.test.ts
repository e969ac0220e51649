import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "@/lib/security/rate-limit";
import { budgetStatus, decideAttempt, type RateLimitState } from "@/lib/security/rate-limit-policy";
import { PAUSE_MESSAGES, WARN_WHEN_TRIES_LEFT, pauseWarning } from "./retry-messages";

describe("pauseWarning", () => {
  it("warns from the policy's own numbers: the second step's 5 free tries, then a 1-minute pause", () => {
    const policy = RATE_LIMITS.secondFactorAccount;
    const now = new Date("2026-06-01T09:00:00Z");
    let state: RateLimitState | undefined;
    const warnings: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      const decision = decideAttempt(state, now, policy);
      if (!decision.allowed) throw new Error("refused");
      state = decision.state;
      warnings.push(pauseWarning(budgetStatus(state, now, policy)));
    }
    expect(warnings).toEqual([
      undefined,
      "3 more tries before a 1-minute pause.",
      "2 more tries before a 1-minute pause.",
      "1 more try before a 1-minute pause.",
    ]);
  });

  it("says nothing while paused or far from a pause", () => {
    expect(pauseWarning({ state: "paused", retryAfterSeconds: 30 })).toBeUndefined();
    expect(pauseWarning({ state: "open", triesBeforePause: WARN_WHEN_TRIES_LEFT + 1, pauseSeconds: 60 })).toBeUndefined();
    expect(pauseWarning({ state: "open", triesBeforePause: 1, pauseSeconds: 30 })).toBe("1 more try before a 30-second pause.");
  });
});

describe("PAUSE_MESSAGES", () => {
  it("says the second step's pause covers every method, recovery codes included", () => {
    expect(PAUSE_MESSAGES.secondFactorPaused(60)).toMatch(/every way to verify.*recovery code.*try again in 1 minute/i);
  });
  it("counts down in minutes and seconds", () => {
    expect(PAUSE_MESSAGES.countdown(75)).toBe("You can try again in 1:15.");
    expect(PAUSE_MESSAGES.countdown(9)).toBe("You can try again in 0:09.");
  });
});
