/**
 * How attempts turn into waiting time. Pure: the database layer applies it atomically.
 *
 * Each counter counts attempts since the last success. After `freeAttempts` attempts the key is
 * locked for `baseLockSeconds`; each attempt after a lock has passed doubles the next lock, capped
 * at `maxLockSeconds`, so
 * the wait grows quickly for a guesser but is always bounded: an attacker can delay a victim, never
 * lock them out for good. A counter left alone for `forgetAfterSeconds` starts over.
 */
export interface RateLimitPolicy {
  freeAttempts: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
  windowSeconds: number;
}

export interface RateLimitState {
  attempts: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export type RateLimitDecision =
  | { allowed: true; state: RateLimitState }
  | { allowed: false; retryAfterSeconds: number; state: RateLimitState | null };

/** The lock that follows the n-th attempt: none before `freeAttempts`, then base, 2·base, 4·base… */
export function lockSecondsAfter(attempts: number, policy: RateLimitPolicy): number {
  const excess = attempts - policy.freeAttempts;
  if (excess < 0) return 0;
  // Cap the exponent before computing, so a huge count can't overflow to Infinity.
  const doubled = policy.baseLockSeconds * 2 ** Math.min(excess, 30);
  return Math.min(doubled, policy.maxLockSeconds);
}

/** Decides one attempt and returns the counter's next state (the attempt is spent if allowed). */
export function decideAttempt(
  current: RateLimitState | undefined,
  now: Date,
  policy: RateLimitPolicy,
): RateLimitDecision {
  if (current?.lockedUntil && current.lockedUntil > now) {
    const retryAfterSeconds = Math.ceil((current.lockedUntil.getTime() - now.getTime()) / 1000);
    return { allowed: false, retryAfterSeconds, state: null };
  }
  const expired = !current || now.getTime() - current.windowStartedAt.getTime() >= policy.windowSeconds * 1000;
  const attempts = (expired ? 0 : current.attempts) + 1;
  const lockSeconds = lockSecondsAfter(attempts, policy);
  return {
    allowed: true,
    state: {
      attempts,
      windowStartedAt: expired ? now : current.windowStartedAt,
      lockedUntil: lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * 1000) : null,
    },
  };
}

/** Human wording for a wait, used in every throttling message. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}
