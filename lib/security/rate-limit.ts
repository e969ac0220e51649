import "server-only";
import { findRateLimit, updateRateLimits, type RateLimitUpdate } from "@/db/queries/rate-limits";
import { ipBucketKey, type ClientContext } from "@/lib/security/client";
import {
  budgetStatus,
  combineBudgets,
  decideAttempt,
  refundAttemptState,
  type BudgetStatus,
  type ConsecutivePolicy,
  type RateLimitPolicy,
  type WindowPolicy,
} from "@/lib/security/rate-limit-policy";

const DAY = 24 * 60 * 60;

/**
 * Every throttled action, with its numbers, in one table (documented in docs/security.md).
 * Per-account counters count consecutive attempts since the last success (NIST SP 800-63B §5.2.2
 * caps consecutive failures at 100); per-address ones count failures in a window.
 */
export const RATE_LIMITS = {
  /**
   * Password guesses against one account (keyed by the email typed, known or not, so refusals
   * reveal nothing), from anywhere. 5 attempts, then waits of 30 s doubling to 15 min: 100
   * consecutive failures take about a day, and then password sign-in stops for the account until
   * the owner signs in with a passkey or resets the password through a mailed link, or an operator
   * unlocks it.
   */
  signInAccount: {
    kind: "consecutive", freeAttempts: 5, baseLockSeconds: 30, maxLockSeconds: 15 * 60,
    forgetAfterSeconds: 90 * DAY, alertAtAttempts: 10, capAttempts: 100,
  },
  /** Failed password guesses from one client address, across accounts (credential stuffing). */
  signInIp: { kind: "window", freeAttempts: 30, baseLockSeconds: 60, maxLockSeconds: 15 * 60, windowSeconds: 60 * 60 },
  /** New accounts from one client address. */
  signUpIp: { kind: "window", freeAttempts: 10, baseLockSeconds: 5 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * Second-factor attempts against one account, one budget for every method (TOTP, WebAuthn,
   * recovery codes), across all sessions and addresses, since the last success. 5 attempts, then
   * waits of 1, 2, 4 … 60 minutes between single attempts: about 24 guesses a day once the waits
   * are long, so a 6-digit TOTP (3 codes valid per guess with ±1 step) falls with probability about
   * 7e-5 a day. At 10 the owner is mailed (someone has the password); at 100 second-factor sign-in
   * is locked until a passkey sign-in, a finished account recovery (lib/auth/account-recovery.ts, the
   * owner's way out the lockout message points to) or an operator resets it.
   */
  secondFactorAccount: {
    kind: "consecutive", freeAttempts: 5, baseLockSeconds: 60, maxLockSeconds: 60 * 60,
    forgetAfterSeconds: 90 * DAY, alertAtAttempts: 10, capAttempts: 100,
  },
  /**
   * Password reset links asked for one typed address (known or not, so a refusal reveals nothing):
   * 5 an hour bounds the mails a stranger can send to someone's inbox, and is plenty for an owner
   * whose mail is slow. Counted as attempts, not failures: a request has no right answer.
   */
  passwordResetAddress: { kind: "window", freeAttempts: 5, baseLockSeconds: 10 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /** Password reset requests from one client address, across addresses (mail flooding, probing). */
  passwordResetIp: { kind: "window", freeAttempts: 20, baseLockSeconds: 10 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /** Failed second-factor attempts from one client address, across accounts. */
  secondFactorIp: { kind: "window", freeAttempts: 20, baseLockSeconds: 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * "Resend verification email", per account: 3 an hour. Each one mails the account's own address
   * and replaces the previous link, so more would only fill the owner's inbox. Counted as requests.
   */
  emailVerificationAccount: { kind: "window", freeAttempts: 3, baseLockSeconds: 10 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * "Change email", per account: 5 an hour. Each one mails an address the user typed (and the old
   * one), so this bounds what a hijacked privileged session can send to strangers' inboxes.
   */
  emailChangeAccount: { kind: "window", freeAttempts: 5, baseLockSeconds: 10 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * "I can't use any of my factors", per account: 3 a day. Each one mails the account's verified
   * address a recovery link (replacing an unopened one); more would only fill the owner's inbox,
   * and whoever asks has already proved the password. Counted as requests.
   */
  accountRecoveryAccount: { kind: "window", freeAttempts: 3, baseLockSeconds: 60 * 60, maxLockSeconds: DAY, windowSeconds: DAY },
  /**
   * Account-recovery steps from one client address, across accounts: asking for a link and
   * opening one (the finish also pays the password's own buckets). 20 an hour: a person needs a
   * handful, a token guesser (256-bit tokens) gets nowhere anyway, and this bounds the lookups.
   */
  accountRecoveryIp: { kind: "window", freeAttempts: 20, baseLockSeconds: 10 * 60, maxLockSeconds: 60 * 60, windowSeconds: 60 * 60 },
} satisfies Record<string, WindowPolicy | ConsecutivePolicy>;

export type RateLimitName = keyof typeof RATE_LIMITS;

export type AttemptResult =
  | { allowed: true; /** This attempt's number in the counter (1 = first since the last success). */ attempts: number }
  | { allowed: false; reason: "throttled"; retryAfterSeconds: number }
  | { allowed: false; reason: "capped" };

function policyOf(name: RateLimitName): RateLimitPolicy {
  return RATE_LIMITS[name];
}

/** One attempt of `name` for `key`, as one counter update. */
function spendUpdate(name: RateLimitName, key: string, now: Date): RateLimitUpdate<AttemptResult> {
  const policy = policyOf(name);
  return {
    bucket: name,
    key,
    next: (row) => {
      const decision = decideAttempt(row, now, policy);
      if (!decision.allowed) return { row: row ?? null, result: decision };
      return { row: { bucket: name, key, ...decision.state }, result: { allowed: true, attempts: decision.state.attempts } };
    },
  };
}

/** Spends one attempt of `name` for `key` (before verifying, so parallel guesses can't overspend). */
export async function spendAttempt(name: RateLimitName, key: string, now = new Date()): Promise<AttemptResult> {
  const [result] = await updateRateLimits([spendUpdate(name, key, now)]);
  return result;
}

export type AttemptsResult =
  | { allowed: true; attempts: Partial<Record<RateLimitName, number>> }
  | { allowed: false; reason: "throttled"; retryAfterSeconds: number }
  | { allowed: false; reason: "capped" };

/**
 * Spends one attempt in each bucket, all in one transaction; refused if any refuses ("capped"
 * first, else the longest wait). Every bucket is spent even when an earlier one refuses, so a
 * refusal costs the same.
 */
export async function spendAttempts(
  attempts: ReadonlyArray<readonly [RateLimitName, string]>,
  now = new Date(),
): Promise<AttemptsResult> {
  let longest = 0;
  let capped = false;
  const counts: Partial<Record<RateLimitName, number>> = {};
  const results = await updateRateLimits(attempts.map(([name, key]) => spendUpdate(name, key, now)));
  results.forEach((result, i) => {
    const [name] = attempts[i];
    if (result.allowed) counts[name] = result.attempts;
    else if (result.reason === "capped") capped = true;
    else longest = Math.max(longest, result.retryAfterSeconds);
  });
  if (capped) return { allowed: false, reason: "capped" };
  return longest > 0 ? { allowed: false, reason: "throttled", retryAfterSeconds: longest } : { allowed: true, attempts: counts };
}

/** True when this attempt, having failed, is the one at which the owner should be told. */
export function reachedAlert(name: RateLimitName, result: AttemptsResult): boolean {
  const policy = policyOf(name);
  return result.allowed && policy.kind === "consecutive" && policy.alertAtAttempts !== undefined && result.attempts[name] === policy.alertAtAttempts;
}

/** A success's reset of an account's counter: it starts over. */
function resetUpdate(name: RateLimitName, key: string): RateLimitUpdate<void> {
  return { bucket: name, key, next: () => ({ row: null, result: undefined }) };
}

/** A success's refund of an address's attempt: per-address buckets count failures only. */
function refundUpdate(name: RateLimitName, key: string): RateLimitUpdate<void> {
  const policy = policyOf(name);
  return {
    bucket: name,
    key,
    next: (row) => {
      const state = row ? refundAttemptState(row, policy) : null;
      return { row: row && state ? { ...row, ...state } : null, result: undefined };
    },
  };
}

/** What one success settles (resets and refunds), in one transaction. */
async function settle(updates: ReadonlyArray<RateLimitUpdate<void>>): Promise<void> {
  await updateRateLimits(updates);
}

/** A success proves the secret: the account's counter starts over. */
export async function resetAttempts(name: RateLimitName, key: string): Promise<void> {
  await settle([resetUpdate(name, key)]);
}

/** A success from a client address gives its attempt back. */
export async function refundAttempt(name: RateLimitName, key: string): Promise<void> {
  await settle([refundUpdate(name, key)]);
}

/*
 * What each action spends, and what a success gives back: the buckets and their keys are decided
 * here, next to the table, and nowhere else.
 */

/** Where a set of counters stands, without spending (the worst of them, combineBudgets). */
async function budgetOf(buckets: ReadonlyArray<readonly [RateLimitName, string]>, now: Date): Promise<BudgetStatus> {
  const statuses = await Promise.all(buckets.map(async ([name, key]) => budgetStatus(await findRateLimit(name, key), now, policyOf(name))));
  return combineBudgets(statuses);
}

function passwordBuckets(email: string, client: ClientContext): Array<readonly [RateLimitName, string]> {
  return [
    ["signInIp", ipBucketKey(client.ip)],
    // Keyed by the email typed, whether or not it has an account, so refusals reveal nothing.
    ["signInAccount", email],
  ];
}

/** A password attempt: the client address's failures and the typed email's run. */
export function spendPasswordAttempt(email: string, client: ClientContext): Promise<AttemptsResult> {
  return spendAttempts(passwordBuckets(email, client));
}

/**
 * Where the next password attempt stands, without spending one, so a wrong password can warn
 * before a pause. Read from the same buckets as spendPasswordAttempt (the typed email's, known or
 * not, and the address's), so the warning reads the same for an address with no account.
 */
export function passwordBudgetStatus(email: string, client: ClientContext, now = new Date()): Promise<BudgetStatus> {
  return budgetOf(passwordBuckets(email, client), now);
}

/** The same for a re-authentication: the account's run only (spendReauthFirstFactorAttempt). */
export function reauthFirstFactorBudgetStatus(email: string, now = new Date()): Promise<BudgetStatus> {
  return budgetOf(reauthFirstFactorBuckets(email), now);
}

export async function passwordSucceeded(email: string, client: ClientContext): Promise<void> {
  await settle([resetUpdate("signInAccount", email), refundUpdate("signInIp", ipBucketKey(client.ip))]);
}

/**
 * A signed-in user confirming it's them (re-authentication, with a password or a passkey): the
 * account's run only. The account is known from the session, and an address many people share
 * (an office, a carrier) must not keep its signed-in users out of their own settings because of
 * others' failures.
 */
export function spendReauthFirstFactorAttempt(email: string): Promise<AttemptsResult> {
  return spendAttempts(reauthFirstFactorBuckets(email));
}

function reauthFirstFactorBuckets(email: string): Array<readonly [RateLimitName, string]> {
  return [["signInAccount", email]];
}

export async function reauthFirstFactorSucceeded(email: string): Promise<void> {
  await resetAttempts("signInAccount", email);
}

/** A passkey assertion: no account is known until it verifies, so only the address pays. */
export function spendPasskeyAttempt(client: ClientContext): Promise<AttemptsResult> {
  return spendAttempts([["signInIp", ipBucketKey(client.ip)]]);
}

/**
 * A passkey sign-in proves the account (both factors at once): it ends the runs of password and
 * second-factor failures against it, the way out of their stop at 100.
 */
export async function passkeySucceeded(
  userId: string,
  email: string | undefined,
  client: ClientContext,
  budget: "sign_in" | "reauth" = "sign_in",
): Promise<void> {
  await settle([
    ...(email === undefined ? [] : [resetUpdate("signInAccount", email)]),
    resetUpdate("secondFactorAccount", userId),
    ...(budget === "reauth" ? [] : [refundUpdate("signInIp", ipBucketKey(client.ip))]),
  ]);
}

/**
 * Whose budget a second-factor attempt spends. A sign-in (or a password reset) has only proved a
 * password: the account's run and the address's failures. A re-authentication comes from a
 * session that already holds every factor: the account's run only, for the same reason as
 * spendReauthFirstFactorAttempt.
 */
export type SecondFactorBudget = "sign_in" | "reauth";

function secondFactorBuckets(userId: string, client: ClientContext, budget: SecondFactorBudget): Array<readonly [RateLimitName, string]> {
  const account = ["secondFactorAccount", userId] as const;
  return budget === "reauth" ? [account] : [account, ["secondFactorIp", ipBucketKey(client.ip)]];
}

/** A second-factor attempt, of any method: one budget per account (and the address's failures at sign-in). */
export function spendSecondFactorAttempt(userId: string, client: ClientContext, budget: SecondFactorBudget = "sign_in"): Promise<AttemptsResult> {
  return spendAttempts(secondFactorBuckets(userId, client, budget));
}

export async function secondFactorSucceeded(userId: string, client: ClientContext, budget: SecondFactorBudget = "sign_in"): Promise<void> {
  await settle([
    resetUpdate("secondFactorAccount", userId),
    ...(budget === "reauth" ? [] : [refundUpdate("secondFactorIp", ipBucketKey(client.ip))]),
  ]);
}

/**
 * Where the next second-factor attempt stands, without spending one: the step shows a pause
 * before the user types, and warns when one is near. Every method shares it.
 */
export async function secondFactorBudgetStatus(
  userId: string,
  client: ClientContext,
  budget: SecondFactorBudget = "sign_in",
  now = new Date(),
): Promise<BudgetStatus> {
  return budgetOf(secondFactorBuckets(userId, client, budget), now);
}

/** A "forgot password" request: per address typed (known or not, so a refusal says nothing) and per client. */
export function spendPasswordResetRequest(email: string, client: ClientContext, now = new Date()): Promise<AttemptsResult> {
  return spendAttempts(
    [
      ["passwordResetIp", ipBucketKey(client.ip)],
      ["passwordResetAddress", email],
    ],
    now,
  );
}

export function spendSignUpAttempt(client: ClientContext): Promise<AttemptsResult> {
  return spendAttempts([["signUpIp", ipBucketKey(client.ip)]]);
}

/**
 * The counters that belong to one account, keyed by its email or its id (every other bucket is
 * per client address): they go with the account when it is deleted (lib/auth/account-deletion.ts).
 * rate-limit.test.ts checks that every bucket is either here or per address.
 */
export function accountRateLimitKeys(user: { id: string; email: string }): Array<readonly [RateLimitName, string]> {
  return [
    ["signInAccount", user.email],
    ["secondFactorAccount", user.id],
    ["passwordResetAddress", user.email],
    ["emailVerificationAccount", user.id],
    ["emailChangeAccount", user.id],
    ["accountRecoveryAccount", user.id],
  ];
}

/** A "Resend verification email": per account (the only address it mails is the account's own). */
export function spendVerificationResend(userId: string, now = new Date()): Promise<AttemptsResult> {
  return spendAttempts([["emailVerificationAccount", userId]], now);
}

/** A "Change email" request: per account, spent before any mail is rendered. */
export function spendEmailChangeRequest(userId: string, now = new Date()): Promise<AttemptsResult> {
  return spendAttempts([["emailChangeAccount", userId]], now);
}

/** "I can't use any of my factors": per account (spent before any link is made) and per client address. */
export function spendAccountRecoveryRequest(userId: string, client: ClientContext, now = new Date()): Promise<AttemptsResult> {
  return spendAttempts(
    [
      ["accountRecoveryIp", ipBucketKey(client.ip)],
      ["accountRecoveryAccount", userId],
    ],
    now,
  );
}

/** Opening a recovery link: per client address (the token names the account only once it is found). */
export function spendAccountRecoveryLinkUse(client: ClientContext, now = new Date()): Promise<AttemptsResult> {
  return spendAttempts([["accountRecoveryIp", ipBucketKey(client.ip)]], now);
}
