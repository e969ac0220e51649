/**
 * The account-recovery timing rules as pure functions (lib/auth/account-recovery.ts applies them;
 * docs/security.md "Account recovery" says why).
 */

const HOUR_SECONDS = 60 * 60;
const DAY_SECONDS = 24 * HOUR_SECONDS;

/**
 * The mailed link must be opened within this: it is asked for by someone at the keyboard right
 * then, like a change of address. Opening it only starts the wait.
 */
export const RECOVERY_LINK_TTL_MINUTES = 60;

/** After the wait, the recovery can be finished for this long; then it lapses and must start again. */
export const RECOVERY_FINISH_WINDOW_SECONDS = 7 * DAY_SECONDS;

/**
 * Below this wait no reminder is sent: housekeeping runs every 10 minutes, so it couldn't arrive
 * in time to matter, and the mail at the start already says when the wait ends.
 */
export const RECOVERY_REMINDER_MIN_DELAY_SECONDS = 2 * HOUR_SECONDS;

export interface RecoveryWait {
  finishableAt: Date;
  /** Until when the recovery may be finished (the row's expiry once waiting). */
  expiresAt: Date;
  /** When the reminder is due; null when the wait is too short for one. */
  reminderDueAt: Date | null;
}

/**
 * The wait that opening the link starts. The reminder comes a day before the end; for waits under
 * two days, halfway through (a day before would be at or before the start mail).
 */
export function recoveryWait(startedAt: Date, delaySeconds: number): RecoveryWait {
  const finishableAt = new Date(startedAt.getTime() + delaySeconds * 1000);
  const expiresAt = new Date(finishableAt.getTime() + RECOVERY_FINISH_WINDOW_SECONDS * 1000);
  if (delaySeconds < RECOVERY_REMINDER_MIN_DELAY_SECONDS) return { finishableAt, expiresAt, reminderDueAt: null };
  const beforeEndSeconds = Math.min(DAY_SECONDS, delaySeconds / 2);
  return { finishableAt, expiresAt, reminderDueAt: new Date(finishableAt.getTime() - beforeEndSeconds * 1000) };
}

/** "72 hours", "3 days and 1 hour", "45 seconds": the delay as the pages and mails say it. */
export function describeDelay(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds < 60) return plural(seconds, "second");
  if (seconds < HOUR_SECONDS) return plural(Math.ceil(seconds / 60), "minute");
  if (seconds <= 3 * DAY_SECONDS && seconds % HOUR_SECONDS === 0) return plural(seconds / HOUR_SECONDS, "hour");
  if (seconds < DAY_SECONDS) return plural(Math.ceil(seconds / HOUR_SECONDS), "hour");
  const days = Math.floor(seconds / DAY_SECONDS);
  const hours = Math.ceil((seconds - days * DAY_SECONDS) / HOUR_SECONDS);
  return hours === 0 ? plural(days, "day") : `${plural(days, "day")} and ${plural(hours, "hour")}`;
}
