/**
 * How attempts turn into waiting time. Pure: the database layer applies it atomically.
 *
 * Two kinds of counter:
 * - "window" (per client address): attempts within a fixed window that starts at the first one;
 *   a success gives its attempt back (lib/security/rate-limit.ts), so only failures add up and
 *   people sharing an address (an office, a carrier's NAT) don't lock each other out.
 * - "consecutive" (per account): attempts since the last success, however they are spread over
 *   time, sessions and addresses. Only a success, or the owner's way out, starts it over; a counter
 *   left quiet for `forgetAfterSeconds` (90 days) is forgotten.
 *
 * After `freeAttempts` attempts the key is locked for `baseLockSeconds`; each attempt after a lock
 * has passed doubles the next lock, capped at `maxLockSeconds`, so the wait grows quickly for a
 * guesser but is bounded. A consecutive counter may also have a `capAttempts`: at that many
 * (NIST SP 800-63B §5.2.2: at most 100 consecutive failures) no attempt is allowed until the reset.
 */
interface PolicyBase {
  freeAttempts: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
}

export interface WindowPolicy extends PolicyBase {
  kind: "window";
  windowSeconds: number;
}

export interface ConsecutivePolicy extends PolicyBase {
  kind: "consecutive";
  forgetAfterSeconds: number;
  /** At this count the owner is told by mail (someone is guessing). */
  alertAtAttempts?: number;
  /** At this count attempts stop until a success by another way, or the owner's reset. */
  capAttempts?: number;
}

export type RateLimitPolicy = WindowPolicy | ConsecutivePolicy;

export interface RateLimitState {
  attempts: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
  lastAttemptAt: Date;
}

export type RateLimitDecision =
  | { allowed: true; state: RateLimitState }
  | { allowed: false; reason: "throttled"; retryAfterSeconds: number }
  | { allowed: false; reason: "capped" };

/** The lock that follows the n-th attempt: none before `freeAttempts`, then base, 2·base, 4·base… */
export function lockSecondsAfter(attempts: number, policy: RateLimitPolicy): number {
  const excess = attempts - policy.freeAttempts;
  if (excess < 0) return 0;
  // Cap the exponent before computing, so a huge count can't overflow to Infinity.
  const doubled = policy.baseLockSeconds * 2 ** Math.min(excess, 30);
  return Math.min(doubled, policy.maxLockSeconds);
}

/** Whether a stored counter no longer counts (its window passed, or it was left quiet too long). */
export function counterExpired(current: RateLimitState, now: Date, policy: RateLimitPolicy): boolean {
  if (policy.kind === "window") return now.getTime() - current.windowStartedAt.getTime() >= policy.windowSeconds * 1000;
  return now.getTime() - current.lastAttemptAt.getTime() >= policy.forgetAfterSeconds * 1000;
}

/** Decides one attempt and returns the counter's next state (the attempt is spent if allowed). */
export function decideAttempt(current: RateLimitState | undefined, now: Date, policy: RateLimitPolicy): RateLimitDecision {
  const live = current && !counterExpired(current, now, policy) ? current : undefined;
  if (live && policy.kind === "consecutive" && policy.capAttempts !== undefined && live.attempts >= policy.capAttempts) {
    return { allowed: false, reason: "capped" };
  }
  if (live?.lockedUntil && live.lockedUntil > now) {
    const retryAfterSeconds = Math.ceil((live.lockedUntil.getTime() - now.getTime()) / 1000);
    return { allowed: false, reason: "throttled", retryAfterSeconds };
  }
  const attempts = (live?.attempts ?? 0) + 1;
  const lockSeconds = lockSecondsAfter(attempts, policy);
  return {
    allowed: true,
    state: {
      attempts,
      windowStartedAt: live?.windowStartedAt ?? now,
      lockedUntil: lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * 1000) : null,
      lastAttemptAt: now,
    },
  };
}

/**
 * Where a counter stands, without spending: paused (and for how long), stopped at its cap, or open
 * with how many tries are left before the next pause and how long that pause will be. The tries
 * left count the one that starts the pause (the lock follows the attempt that earns it, see
 * decideAttempt), so "2 more tries" means two more attempts are heard.
 */
export type BudgetStatus =
  | { state: "open"; triesBeforePause: number; pauseSeconds: number }
  | { state: "paused"; retryAfterSeconds: number }
  | { state: "capped" };

export function budgetStatus(current: RateLimitState | undefined, now: Date, policy: RateLimitPolicy): BudgetStatus {
  const live = current && !counterExpired(current, now, policy) ? current : undefined;
  if (live && policy.kind === "consecutive" && policy.capAttempts !== undefined && live.attempts >= policy.capAttempts) {
    return { state: "capped" };
  }
  if (live?.lockedUntil && live.lockedUntil > now) {
    return { state: "paused", retryAfterSeconds: Math.ceil((live.lockedUntil.getTime() - now.getTime()) / 1000) };
  }
  const attempts = live?.attempts ?? 0;
  // Past the free attempts, every attempt earns the next (longer) pause.
  const triesBeforePause = Math.max(1, policy.freeAttempts - attempts);
  return { state: "open", triesBeforePause, pauseSeconds: lockSecondsAfter(attempts + triesBeforePause, policy) };
}

/**
 * Several counters that one attempt spends, as the user meets them: capped if any is, else paused
 * for the longest wait, else the counter that pauses soonest.
 */
export function combineBudgets(statuses: readonly BudgetStatus[]): BudgetStatus {
  if (statuses.some((s) => s.state === "capped")) return { state: "capped" };
  const paused = statuses.flatMap((s) => (s.state === "paused" ? [s.retryAfterSeconds] : []));
  if (paused.length > 0) return { state: "paused", retryAfterSeconds: Math.max(...paused) };
  const open = statuses.filter((s): s is Extract<BudgetStatus, { state: "open" }> => s.state === "open");
  if (open.length === 0) throw new Error("combineBudgets needs at least one counter");
  return open.reduce((soonest, s) => (s.triesBeforePause < soonest.triesBeforePause ? s : soonest));
}

/**
 * Gives back one attempt (a success on a per-address counter): the count drops by one, and a lock
 * that the count no longer earns is lifted.
 */
export function refundAttemptState(current: RateLimitState, policy: RateLimitPolicy): RateLimitState | null {
  const attempts = current.attempts - 1;
  if (attempts <= 0) return null;
  return { ...current, attempts, lockedUntil: lockSecondsAfter(attempts, policy) > 0 ? current.lockedUntil : null };
}

/** Human wording for a wait, used in every throttling message. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}
