import type { BudgetStatus } from "@/lib/security/rate-limit-policy";
import { formatWait } from "@/lib/security/rate-limit-policy";

/**
 * The two "try again" answers every sign-in form can give, worded once: the server is at its
 * password-hashing limit (lib/auth/concurrency.ts BusyError), or the session changed under a
 * check (a token rotated by a parallel request, lib/auth/session.ts).
 */
export const RETRY_MESSAGES = {
  busy: "We're very busy right now. Please try again in a few seconds.",
  raced: "Your session changed while this was checked. Please try again.",
} as const;

/**
 * A warning comes this many tries before a pause: early enough to slow down and look for the
 * right code, late enough not to nag someone who mistyped once.
 */
export const WARN_WHEN_TRIES_LEFT = 3;

/** "1 minute" → "1-minute", as in "a 1-minute pause". */
function waitAsAdjective(seconds: number): string {
  return formatWait(seconds).replace(" ", "-").replace(/s$/, "");
}

/** The words for throttling, in one place: the warning before a pause, the pause, the countdown. */
export const PAUSE_MESSAGES = {
  warning: (tries: number, pauseSeconds: number) =>
    `${tries} more ${tries === 1 ? "try" : "tries"} before a ${waitAsAdjective(pauseSeconds)} pause.`,
  /** The second step's budget is shared by every method (lib/security/rate-limit.ts). */
  secondFactorPaused: (seconds: number) =>
    `Too many attempts. Every way to verify is paused for this account, a recovery code too, so switching methods won't help. Try again in ${formatWait(seconds)}.`,
  signInPaused: (seconds: number) => `Too many sign-in attempts. Try again in ${formatWait(seconds)}.`,
  /** The live countdown (JavaScript only: without it the pause is given in words above). */
  countdown: (seconds: number) => `You can try again in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}.`,
  over: "You can try again now.",
} as const;

/** The warning to show while a budget is open but near its pause, if any. */
export function pauseWarning(budget: BudgetStatus): string | undefined {
  if (budget.state !== "open" || budget.triesBeforePause > WARN_WHEN_TRIES_LEFT) return undefined;
  return PAUSE_MESSAGES.warning(budget.triesBeforePause, budget.pauseSeconds);
}
