import "server-only";
import { and, count, eq, gt, isNull, lt, lte, or, sql } from "drizzle-orm";
import { getDb, rowsAffected, runExclusively } from "@/db/client";
import { emailTokens, mailOutbox, passwordResetTokens, rateLimits, recoveryCodeSets, securityEvents } from "@/db/schema";

/**
 * The pruning statements of the housekeeping job (lib/housekeeping.ts), but for spent WebAuthn
 * challenges (db/queries/webauthn.ts, beside the statement that spends them). Each deletes through
 * an index on the column it compares, so a run costs the rows it removes, not a table scan.
 */

/**
 * Runs one housekeeping pass unless another app server is running one (a PostgreSQL advisory
 * lock; on SQLite, processes of one machine may overlap harmlessly). Null when skipped.
 */
export async function withHousekeepingLock<T>(job: () => Promise<T>): Promise<T | null> {
  const outcome = await runExclusively("twofold.housekeeping", job);
  return outcome.ran ? outcome.result : null;
}

/**
 * Recovery-code sets generated before `createdBefore` and never confirmed: too old to confirm now.
 * Their codes go with them (ON DELETE CASCADE). No index on (status, created_at): an account has at
 * most one pending and one active set, so this scans two rows per account at most.
 */
export async function deleteStalePendingRecoveryCodeSets(createdBefore: Date): Promise<number> {
  return rowsAffected(
    await (await getDb())
      .delete(recoveryCodeSets)
      .where(and(eq(recoveryCodeSets.status, "pending"), lt(recoveryCodeSets.createdAt, createdBefore))),
  );
}

/** A windowed counter whose window and lock are both over no longer decides anything. */
export async function deleteStaleWindowCounters(bucket: string, windowStartedBefore: Date, now: Date): Promise<number> {
  return rowsAffected(
    await (await getDb())
      .delete(rateLimits)
      .where(
        and(
          eq(rateLimits.bucket, bucket),
          lt(rateLimits.lastAttemptAt, windowStartedBefore),
          lt(rateLimits.windowStartedAt, windowStartedBefore),
          or(isNull(rateLimits.lockedUntil), lte(rateLimits.lockedUntil, now)),
        ),
      ),
  );
}

/** A consecutive counter left quiet this long is forgotten (the rule in lib/security/rate-limit-policy.ts). */
export async function deleteIdleCounters(bucket: string, idleSince: Date): Promise<number> {
  return rowsAffected(
    await (await getDb())
      .delete(rateLimits)
      .where(and(eq(rateLimits.bucket, bucket), lt(rateLimits.lastAttemptAt, idleSince))),
  );
}

/** A password reset link past its 30 minutes no longer decides anything. */
export async function deleteExpiredPasswordResetTokens(now: Date): Promise<number> {
  return rowsAffected(
    await (await getDb()).delete(passwordResetTokens).where(lte(passwordResetTokens.expiresAt, now)),
  );
}

/** An email link (verification, change) past its lifetime no longer decides anything. */
export async function deleteExpiredEmailTokens(now: Date): Promise<number> {
  return rowsAffected(await (await getDb()).delete(emailTokens).where(lte(emailTokens.expiresAt, now)));
}

export async function deleteSentMailsBefore(sentBefore: Date): Promise<number> {
  return rowsAffected(
    await (await getDb())
      .delete(mailOutbox)
      .where(and(lt(mailOutbox.sentAt, sentBefore), eq(mailOutbox.status, "sent"))),
  );
}

export async function deleteFailedMailsBefore(createdBefore: Date): Promise<number> {
  return rowsAffected(
    await (await getDb())
      .delete(mailOutbox)
      .where(and(eq(mailOutbox.status, "failed"), lt(mailOutbox.createdAt, createdBefore))),
  );
}

/**
 * The notice that an account was deleted is the one mail without a user id (db/queries/users.ts
 * deleteUserAccount). Its address is all that is left of the account, so it goes as soon as it is
 * delivered or given up, not after the usual retention (through mail_outbox_user_idx: user_id leads).
 */
export async function deleteFinishedMailsWithoutAccount(status: "sent" | "failed"): Promise<number> {
  return rowsAffected(
    await (await getDb()).delete(mailOutbox).where(and(isNull(mailOutbox.userId), eq(mailOutbox.status, status))),
  );
}

export async function deleteSecurityEventsBefore(createdBefore: Date): Promise<number> {
  return rowsAffected(
    await (await getDb()).delete(securityEvents).where(lt(securityEvents.createdAt, createdBefore)),
  );
}

/** Keeps each account's newest `keep` events. */
export async function trimSecurityEventsPerAccount(keep: number): Promise<number> {
  const db = await getDb();
  const over = await db
    .select({ userId: securityEvents.userId })
    .from(securityEvents)
    .groupBy(securityEvents.userId)
    .having(gt(count(), keep));
  let deleted = 0;
  for (const { userId } of over) {
    const [boundary] = await db
      .select({ id: securityEvents.id })
      .from(securityEvents)
      .where(eq(securityEvents.userId, userId))
      .orderBy(sql`${securityEvents.id} DESC`)
      .limit(1)
      .offset(keep);
    if (!boundary) continue;
    deleted += rowsAffected(
      await db.delete(securityEvents).where(and(eq(securityEvents.userId, userId), lte(securityEvents.id, boundary.id))),
    );
  }
  return deleted;
}
