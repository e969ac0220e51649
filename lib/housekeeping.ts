import "server-only";
import {
  deleteExpiredEmailTokens,
  deleteExpiredPasswordResetTokens,
  deleteFailedMailsBefore,
  deleteFinishedMailsWithoutAccount,
  deleteIdleCounters,
  deleteSecurityEventsBefore,
  deleteSentMailsBefore,
  deleteStalePendingRecoveryCodeSets,
  deleteStaleWindowCounters,
  trimSecurityEventsPerAccount,
  withHousekeepingLock,
} from "@/db/queries/housekeeping";
import { deleteExpiredAccountRecoveries } from "@/db/queries/account-recoveries";
import { deleteExpiredSessions } from "@/db/queries/sessions";
import { deleteExpiredSpentChallenges } from "@/db/queries/webauthn";
import { SECOND_FACTOR_STEP_MAX_AGE_SECONDS } from "@/lib/auth/aal";
import { sendDueAccountRecoveryReminders } from "@/lib/auth/account-recovery";
import { getConfig } from "@/lib/config";
import { PENDING_SET_MAX_AGE_SECONDS } from "@/lib/mfa/recovery-codes";
import { RATE_LIMITS, type RateLimitName } from "@/lib/security/rate-limit";

/**
 * One job that removes what no longer decides anything: sessions past their lifetime, spent
 * WebAuthn challenges, password reset links, email links and account recoveries past their expiry, recovery-code sets generated but never confirmed in time, rate-limit counters that have lapsed, delivered mails, and
 * security events past the log's retention. Runs in the server every HOUSEKEEPING_INTERVAL_SECONDS
 * (instrumentation.ts) and on demand; it also mails the reminder before an account recovery's wait ends (`npm run admin -- housekeeping`). Every statement is
 * idempotent, so two processes running it at once only repeat each other's work.
 */
export const RETENTION = {
  /** Security events are kept for 400 days (a year and its anniversary month)… */
  securityEventDays: 400,
  /** …and at most this many per account, the newest (the JSON export's limit too). */
  securityEventsPerAccount: 10_000,
  /**
   * Delivered notifications are kept 30 days (to see that a mail went out), failed ones 90; the
   * notice of an account's deletion only until it is delivered or given up.
   */
  sentMailDays: 30,
  failedMailDays: 90,
} as const;

export const HOUSEKEEPING_INTERVAL_SECONDS = 10 * 60;

const DAY_MS = 24 * 60 * 60 * 1000;

export type HousekeepingReport = Record<
  "sessions" | "challenges" | "passwordResets" | "emailLinks" | "accountRecoveries" | "accountRecoveryReminders" | "pendingRecoveryCodes" | "rateLimits" | "sentMails" | "failedMails" | "securityEvents",
  number
>;

export async function runHousekeeping(now = new Date()): Promise<HousekeepingReport> {
  const config = getConfig();
  const report: HousekeepingReport = { sessions: 0, challenges: 0, passwordResets: 0, emailLinks: 0, accountRecoveries: 0, accountRecoveryReminders: 0, pendingRecoveryCodes: 0, rateLimits: 0, sentMails: 0, failedMails: 0, securityEvents: 0 };
  report.sessions = await deleteExpiredSessions(
    now,
    new Date(now.getTime() - config.SESSION_IDLE_TIMEOUT * 1000),
    new Date(now.getTime() - SECOND_FACTOR_STEP_MAX_AGE_SECONDS * 1000),
  );
  report.challenges = await deleteExpiredSpentChallenges(now);
  report.passwordResets = await deleteExpiredPasswordResetTokens(now);
  report.emailLinks = await deleteExpiredEmailTokens(now);
  // Account recoveries: the mail a day before a wait ends, and recoveries never opened or finished in time.
  report.accountRecoveryReminders = await sendDueAccountRecoveryReminders(now);
  report.accountRecoveries = await deleteExpiredAccountRecoveries(now);
  report.pendingRecoveryCodes = await deleteStalePendingRecoveryCodeSets(new Date(now.getTime() - PENDING_SET_MAX_AGE_SECONDS * 1000));
  for (const name of Object.keys(RATE_LIMITS) as RateLimitName[]) {
    const policy = RATE_LIMITS[name];
    report.rateLimits +=
      policy.kind === "window"
        ? await deleteStaleWindowCounters(name, new Date(now.getTime() - policy.windowSeconds * 1000), now)
        : await deleteIdleCounters(name, new Date(now.getTime() - policy.forgetAfterSeconds * 1000));
  }
  report.sentMails =
    (await deleteSentMailsBefore(new Date(now.getTime() - RETENTION.sentMailDays * DAY_MS))) +
    (await deleteFinishedMailsWithoutAccount("sent"));
  report.failedMails =
    (await deleteFailedMailsBefore(new Date(now.getTime() - RETENTION.failedMailDays * DAY_MS))) +
    (await deleteFinishedMailsWithoutAccount("failed"));
  report.securityEvents =
    (await deleteSecurityEventsBefore(new Date(now.getTime() - RETENTION.securityEventDays * DAY_MS))) +
    (await trimSecurityEventsPerAccount(RETENTION.securityEventsPerAccount));
  return report;
}

const globalForHousekeeping = globalThis as unknown as { twofoldHousekeeping?: NodeJS.Timeout };

/**
 * One run at a time across every app server sharing the database (withHousekeepingLock);
 * a server that finds another one at work skips this round. Null when skipped.
 */
export async function runHousekeepingOnce(now = new Date()): Promise<HousekeepingReport | null> {
  return withHousekeepingLock(() => runHousekeeping(now));
}

/** Starts the in-server schedule (once per process); the timer never keeps the process alive. */
export function startHousekeeping(): void {
  if (globalForHousekeeping.twofoldHousekeeping) return;
  const tick = () => {
    runHousekeepingOnce().catch((error: unknown) => {
      console.error(`[housekeeping] run failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  globalForHousekeeping.twofoldHousekeeping = setInterval(tick, HOUSEKEEPING_INTERVAL_SECONDS * 1000);
  globalForHousekeeping.twofoldHousekeeping.unref();
  setTimeout(tick, 5_000).unref();
}
