import "server-only";
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { getDb, writeTransaction } from "@/db/client";
import { mailOutbox } from "@/db/schema";

export type MailOutboxRow = typeof mailOutbox.$inferSelect;

export async function insertMail(row: MailOutboxRow): Promise<void> {
  getDb().insert(mailOutbox).values(row).run();
}

/**
 * Inserts the mail unless one of its kind was queued for the user since `since`, as one write
 * transaction: of several concurrent requests (or processes) raising the same alert, exactly one
 * queues it. Returns whether this call did.
 */
export async function insertMailUnlessQueuedSince(row: MailOutboxRow, since: Date): Promise<boolean> {
  return writeTransaction((tx) => {
    const recent = tx
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.userId, row.userId), eq(mailOutbox.kind, row.kind), gte(mailOutbox.createdAt, since)))
      .limit(1)
      .get();
    if (recent) return false;
    tx.insert(mailOutbox).values(row).run();
    return true;
  });
}

/** Ids of pending mails whose next attempt is due, oldest first. */
export async function listDueMailIds(now: Date, limit: number): Promise<string[]> {
  return getDb()
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, now)))
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(limit)
    .all()
    .map((row) => row.id);
}

/**
 * Claims a due mail for one delivery attempt by moving its next attempt to `leaseUntil` in a single
 * conditional UPDATE: of two processes (the app, the admin CLI) racing for it, only one gets it,
 * and a worker that dies mid-attempt leaves it due again once the lease ends.
 */
export async function claimMail(id: string, now: Date, leaseUntil: Date): Promise<MailOutboxRow | undefined> {
  return getDb()
    .update(mailOutbox)
    .set({ nextAttemptAt: leaseUntil })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, now)))
    .returning()
    .get();
}

export async function markMailSent(id: string, sentAt: Date): Promise<void> {
  getDb()
    .update(mailOutbox)
    .set({ status: "sent", sentAt, lastError: null, attempts: sql`${mailOutbox.attempts} + 1` })
    .where(eq(mailOutbox.id, id))
    .run();
}

export async function markMailFailed(id: string, update: { attempts: number; nextAttemptAt: Date; lastError: string; gaveUp: boolean }): Promise<void> {
  getDb()
    .update(mailOutbox)
    .set({
      attempts: update.attempts,
      nextAttemptAt: update.nextAttemptAt,
      lastError: update.lastError,
      status: update.gaveUp ? "failed" : "pending",
    })
    .where(eq(mailOutbox.id, id))
    .run();
}

/** The earliest next attempt among pending mails (to schedule the in-process retry). */
export async function nextPendingMailAt(): Promise<Date | undefined> {
  const row = getDb()
    .select({ at: mailOutbox.nextAttemptAt })
    .from(mailOutbox)
    .where(eq(mailOutbox.status, "pending"))
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(1)
    .get();
  return row?.at;
}

export async function countMailsByStatus(userId: string): Promise<Record<MailOutboxRow["status"], number>> {
  const rows = getDb()
    .select({ status: mailOutbox.status, count: sql<number>`count(*)` })
    .from(mailOutbox)
    .where(eq(mailOutbox.userId, userId))
    .groupBy(mailOutbox.status)
    .all();
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}
