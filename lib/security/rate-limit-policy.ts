/**
 * How attempts turn into waiting time. Pure: the database layer applies it atomically.
 *
 * Each counter counts attempts since the last success. The first `freeAttempts` are free; every
 * attempt after that locks the key for `baseLockSeconds · 2^(n-1)`, capped at `maxLockSeconds`, so
 * the wait grows quickly for a guesser but is always bounded: an attacker can delay a victim, never
 * lock them out for good. A counter left alone for `forgetAfterSeconds` starts over.
 */
export interface RateLimitPolicy {
  freeAttempts: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
  forgetAfterSeconds: number;
}

export interface RateLimitState {
  attempts: number;
  lastAttemptAt: Date;
  lockedUntil: Date | null;
}

export type RateLimitDecision =
  | { allowed: true; state: RateLimitState }
  | { allowed: false; retryAfterSeconds: number; state: RateLimitState | null };

export function lockSecondsAfter(attempts: number, policy: RateLimitPolicy): number {
  const excess = attempts - policy.freeAttempts;
  if (excess < 1) return 0;
  // Cap the exponent before computing, so a huge count can't overflow to Infinity.
  const doubled = policy.baseLockSeconds * 2 ** Math.min(excess - 1, 30);
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
  const forgotten =
    !current || now.getTime() - current.lastAttemptAt.getTime() >= policy.forgetAfterSeconds * 1000;
  const attempts = (forgotten ? 0 : current.attempts) + 1;
  const lockSeconds = lockSecondsAfter(attempts, policy);
  return {
    allowed: true,
    state: {
      attempts,
      lastAttemptAt: now,
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
