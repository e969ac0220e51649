import { describe, expect, it } from "vitest";
import { PAUSE_MESSAGES } from "../retry-messages";
import { CONFIRM_MESSAGES, SIGN_IN_MESSAGES, confirmRefusalState, passwordRefusalState } from "./messages";

const open = (triesBeforePause: number) => ({ state: "open" as const, triesBeforePause, pauseSeconds: 30 });

describe("a wrong password's words", () => {
  it("warn before a pause with the second step's rule and wording, not earlier", () => {
    expect(passwordRefusalState({ ok: false, reason: "invalid", budget: open(4) })).toEqual({ message: SIGN_IN_MESSAGES.invalid });
    expect(passwordRefusalState({ ok: false, reason: "invalid", budget: open(3) })).toEqual({
      message: `${SIGN_IN_MESSAGES.invalid} ${PAUSE_MESSAGES.warning(3, 30)}`,
    });
    expect(PAUSE_MESSAGES.warning(2, 30)).toBe("2 more tries before a 30-second pause.");
  });

  it("give the pause a wrong password just started, with its countdown", () => {
    const paused = { ok: false as const, reason: "invalid" as const, budget: { state: "paused" as const, retryAfterSeconds: 30 } };
    expect(passwordRefusalState(paused)).toEqual({ message: `${SIGN_IN_MESSAGES.invalid} ${SIGN_IN_MESSAGES.throttled(30)}`, retryAfterSeconds: 30 });
    expect(confirmRefusalState(paused)).toEqual({ errors: { password: [`${CONFIRM_MESSAGES.incorrect} ${SIGN_IN_MESSAGES.throttled(30)}`] }, retryAfterSeconds: 30 });
    expect(passwordRefusalState({ ok: false, reason: "throttled", retryAfterSeconds: 30 })).toEqual({
      message: SIGN_IN_MESSAGES.throttled(30),
      retryAfterSeconds: 30,
    });
  });

  it("re-authentication names the wrong password on its field, then the warning", () => {
    expect(confirmRefusalState({ ok: false, reason: "invalid", budget: open(1) })).toEqual({
      errors: { password: [`${CONFIRM_MESSAGES.incorrect} ${PAUSE_MESSAGES.warning(1, 30)}`] },
    });
    expect(confirmRefusalState({ ok: false, reason: "invalid", budget: open(4) })).toEqual({ errors: { password: [CONFIRM_MESSAGES.incorrect] } });
  });
});
