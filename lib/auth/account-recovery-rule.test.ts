import { describe, expect, it } from "vitest";
import { describeDelay, recoveryWait, RECOVERY_FINISH_WINDOW_SECONDS } from "./account-recovery-rule";

const start = new Date("2026-12-01T12:00:00Z");
const HOUR = 3600;

describe("recoveryWait", () => {
  it("ends after the delay and may be finished for the finish window after that", () => {
    const wait = recoveryWait(start, 72 * HOUR);
    expect(wait.finishableAt.toISOString()).toBe("2026-12-04T12:00:00.000Z");
    expect(wait.expiresAt.getTime() - wait.finishableAt.getTime()).toBe(RECOVERY_FINISH_WINDOW_SECONDS * 1000);
  });

  it("reminds a day before the end of a long wait", () => {
    expect(recoveryWait(start, 72 * HOUR).reminderDueAt?.toISOString()).toBe("2026-12-03T12:00:00.000Z");
  });

  it("reminds halfway through a wait under two days", () => {
    expect(recoveryWait(start, 24 * HOUR).reminderDueAt?.toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(recoveryWait(start, 2 * HOUR).reminderDueAt?.toISOString()).toBe("2026-12-01T13:00:00.000Z");
  });

  it("sends no reminder for a wait too short for housekeeping to deliver one in time", () => {
    expect(recoveryWait(start, 2 * HOUR - 1).reminderDueAt).toBeNull();
    expect(recoveryWait(start, 5).reminderDueAt).toBeNull();
  });
});

describe("describeDelay", () => {
  it.each([
    [5, "5 seconds"],
    [1, "1 second"],
    [90, "2 minutes"],
    [HOUR, "1 hour"],
    [72 * HOUR, "72 hours"],
    [4 * 24 * HOUR, "4 days"],
    [4 * 24 * HOUR + 90 * 60, "4 days and 2 hours"],
  ])("%i seconds read as %s", (seconds, words) => {
    expect(describeDelay(seconds)).toBe(words);
  });
});
