import "server-only";
import { deleteRateLimit, updateRateLimit } from "@/db/queries/rate-limits";
import { decideAttempt, type RateLimitPolicy } from "@/lib/security/rate-limit-policy";

/**
 * Every throttled action, with its numbers, in one table (documented in docs/security.md).
 * NIST SP 800-63B §5.2.2 caps consecutive failed attempts at 100; we stay far below it.
 */
export const RATE_LIMITS = {
  /** Password guesses against one account, from anywhere. */
  signInAccount: { freeAttempts: 5, baseLockSeconds: 30, maxLockSeconds: 15 * 60, windowSeconds: 60 * 60 },
  /** Password guesses from one client IP, across accounts (credential stuffing). */
  signInIp: { freeAttempts: 30, baseLockSeconds: 60, maxLockSeconds: 15 * 60, windowSeconds: 60 * 60 },
  /**
   * Passkey sign-in challenges from one client IP. Each is a database row made before anyone is
   * known (the login page asks for one on load, for autofill), so a flood is bounded here.
   */
  passkeyChallengeIp: { freeAttempts: 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60, windowSeconds: 15 * 60 },
  /** New accounts from one client IP. */
  signUpIp: { freeAttempts: 10, baseLockSeconds: 5 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * Second-factor attempts against one account, one budget for every method (TOTP, WebAuthn,
   * recovery codes), across all sessions and IPs. 5 attempts, then waits of 1, 2, 4 … 60 minutes
   * between single attempts: about 35 guesses a day, so a 6-digit TOTP (3 codes valid per guess
   * with ±1 step) falls to a guesser with probability about 1e-4 per day, and 100 consecutive
   * failures (NIST's ceiling) take over two days.
   */
  secondFactorAccount: { freeAttempts: 5, baseLockSeconds: 60, maxLockSeconds: 60 * 60, windowSeconds: 24 * 60 * 60 },
  /** Second-factor attempts from one client IP, across accounts. */
  secondFactorIp: { freeAttempts: 20, baseLockSeconds: 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimitPolicy>;

export type RateLimitName = keyof typeof RATE_LIMITS;

export type AttemptResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Spends one attempt of `name` for `key` (before verifying, so parallel guesses can't overspend). */
export async function spendAttempt(name: RateLimitName, key: string, now = new Date()): Promise<AttemptResult> {
  const policy = RATE_LIMITS[name];
  return updateRateLimit<AttemptResult>(name, key, (row) => {
    const decision = decideAttempt(
      row && { attempts: row.attempts, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil },
      now,
      policy,
    );
    if (!decision.allowed) {
      return { row: row ?? null, result: { allowed: false, retryAfterSeconds: decision.retryAfterSeconds } };
    }
    return { row: { bucket: name, key, ...decision.state, lastAttemptAt: now }, result: { allowed: true } };
  });
}

/** Spends one attempt in each bucket; refused if any refuses (the longest wait is reported). */
export async function spendAttempts(
  attempts: ReadonlyArray<readonly [RateLimitName, string]>,
  now = new Date(),
): Promise<AttemptResult> {
  let longest = 0;
  for (const [name, key] of attempts) {
    const result = await spendAttempt(name, key, now);
    if (!result.allowed) longest = Math.max(longest, result.retryAfterSeconds);
  }
  return longest > 0 ? { allowed: false, retryAfterSeconds: longest } : { allowed: true };
}

/** A success proves the secret: the account's counter starts over. */
export async function resetAttempts(name: RateLimitName, key: string): Promise<void> {
  await deleteRateLimit(name, key);
}
