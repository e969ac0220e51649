import "server-only";
import { and, asc, count, eq, gte, lte, sql } from "drizzle-orm";
import { getDb, step, writeTransaction } from "@/db/client";
import { mailOutbox } from "@/db/schema";

export type MailOutboxRow = typeof mailOutbox.$inferSelect;

export async function insertMail(row: MailOutboxRow): Promise<void> {
  await (await getDb()).insert(mailOutbox).values(row);
}

/**
 * Inserts the mail unless one of its kind was queued for the user since `since`, as one write
 * transaction serialised per user and kind: of several concurrent requests (or app servers)
 * raising the same alert, exactly one queues it. Returns whether this call did.
 */
export async function insertMailUnlessQueuedSince(row: MailOutboxRow & { userId: string }, since: Date): Promise<boolean> {
  return writeTransaction(
    function* (tx) {
      const recent = yield* step(
        tx
          .select({ id: mailOutbox.id })
          .from(mailOutbox)
          .where(and(eq(mailOutbox.userId, row.userId), eq(mailOutbox.kind, row.kind), gte(mailOutbox.createdAt, since)))
          .limit(1),
      );
      if (recent.length > 0) return false;
      yield* step(tx.insert(mailOutbox).values(row));
      return true;
    },
    { lock: `mail:${row.userId}:${row.kind}` },
  );
}

/** Ids of pending mails whose next attempt is due, oldest first. */
export async function listDueMailIds(now: Date, limit: number): Promise<string[]> {
  const rows = await (await getDb())
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, now)))
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

/**
 * Claims a due mail for one delivery attempt by moving its next attempt to `leaseUntil` in a single
 * conditional UPDATE: of several workers racing for it (app servers, the admin CLI), only one gets
 * the row back (PostgreSQL re-checks the WHERE clause once the winner's row lock is released), and
 * a worker that dies mid-attempt leaves it due again once the lease ends.
 */
export async function claimMail(id: string, now: Date, leaseUntil: Date): Promise<MailOutboxRow | undefined> {
  const [row] = await (await getDb())
    .update(mailOutbox)
    .set({ nextAttemptAt: leaseUntil })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, now)))
    .returning();
  return row;
}

export async function markMailSent(id: string, sentAt: Date): Promise<void> {
  await (await getDb())
    .update(mailOutbox)
    .set({ status: "sent", sentAt, lastError: null, attempts: sql`${mailOutbox.attempts} + 1` })
    .where(eq(mailOutbox.id, id));
}

export async function markMailFailed(id: string, update: { attempts: number; nextAttemptAt: Date; lastError: string; gaveUp: boolean }): Promise<void> {
  await (await getDb())
    .update(mailOutbox)
    .set({
      attempts: update.attempts,
      nextAttemptAt: update.nextAttemptAt,
      lastError: update.lastError,
      status: update.gaveUp ? "failed" : "pending",
    })
    .where(eq(mailOutbox.id, id));
}

/** The earliest next attempt among pending mails (to schedule the in-process retry). */
export async function nextPendingMailAt(): Promise<Date | undefined> {
  const [row] = await (await getDb())
    .select({ at: mailOutbox.nextAttemptAt })
    .from(mailOutbox)
    .where(eq(mailOutbox.status, "pending"))
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(1);
  return row?.at;
}

export async function countMailsByStatus(userId: string): Promise<Record<MailOutboxRow["status"], number>> {
  const rows = await (await getDb())
    .select({ status: mailOutbox.status, count: count() })
    .from(mailOutbox)
    .where(eq(mailOutbox.userId, userId))
    .groupBy(mailOutbox.status);
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}
