import "server-only";
import { and, eq, gt, inArray, isNull, lte, or } from "drizzle-orm";
import { getDb, rowsAffected, step, writeTransaction } from "@/db/client";
import { accountRecoveries, recoveryCodes, recoveryCodeSets, sessions, totpCredentials, users, webauthnCredentials } from "@/db/schema";

export type AccountRecoveryRow = typeof accountRecoveries.$inferSelect;

/**
 * Stores a freshly mailed link for the account, replacing a request that was never opened (its
 * link stops working) or a wait that lapsed. A recovery still waiting is left alone, in the same statement (the
 * conflict's WHERE), so a second request can neither restart nor shorten a wait: undefined then.
 */
export async function replaceRequestedAccountRecovery(row: AccountRecoveryRow): Promise<AccountRecoveryRow | undefined> {
  const [stored] = await (await getDb())
    .insert(accountRecoveries)
    .values(row)
    .onConflictDoUpdate({
      target: accountRecoveries.userId,
      set: {
        tokenHash: row.tokenHash,
        status: "requested",
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        startedAt: null,
        finishableAt: null,
        reminderDueAt: null,
        reminderSentAt: null,
      },
      // A wait that lapsed unfinished (not yet pruned by housekeeping) is over: it may be replaced.
      setWhere: or(eq(accountRecoveries.status, "requested"), lte(accountRecoveries.expiresAt, row.createdAt)),
    })
    .returning();
  return stored;
}

/** The account's recovery, whatever its state (the banner, a repeated request, `user show`). */
export async function findAccountRecovery(userId: string, now: Date): Promise<AccountRecoveryRow | undefined> {
  const [row] = await (await getDb())
    .select()
    .from(accountRecoveries)
    .where(and(eq(accountRecoveries.userId, userId), gt(accountRecoveries.expiresAt, now)));
  return row;
}

/** The live recovery behind a mailed token, with its account's address; not changed. */
export async function findAccountRecoveryByToken(
  tokenHash: string,
  now: Date,
): Promise<{ recovery: AccountRecoveryRow; email: string } | undefined> {
  const [row] = await (await getDb())
    .select({ recovery: accountRecoveries, email: users.email })
    .from(accountRecoveries)
    .innerJoin(users, eq(users.id, accountRecoveries.userId))
    .where(and(eq(accountRecoveries.tokenHash, tokenHash), gt(accountRecoveries.expiresAt, now)));
  return row;
}

/**
 * Opening the link starts the wait: one conditional UPDATE from "requested" to "waiting", so of
 * concurrent openings exactly one starts it (and mails about it); the others see it waiting.
 */
export async function startAccountRecoveryWait(input: {
  tokenHash: string;
  now: Date;
  finishableAt: Date;
  expiresAt: Date;
  reminderDueAt: Date | null;
}): Promise<AccountRecoveryRow | undefined> {
  const [row] = await (await getDb())
    .update(accountRecoveries)
    .set({ status: "waiting", startedAt: input.now, finishableAt: input.finishableAt, expiresAt: input.expiresAt, reminderDueAt: input.reminderDueAt })
    .where(
      and(eq(accountRecoveries.tokenHash, input.tokenHash), eq(accountRecoveries.status, "requested"), gt(accountRecoveries.expiresAt, input.now)),
    )
    .returning();
  return row;
}

/** Ends the account's recovery, whatever its state; the row that went, if any. */
export async function deleteAccountRecovery(userId: string): Promise<AccountRecoveryRow | undefined> {
  const [row] = await (await getDb()).delete(accountRecoveries).where(eq(accountRecoveries.userId, userId)).returning();
  return row;
}

export interface CompletedAccountRecovery {
  recovery: AccountRecoveryRow;
  removed: { totpCredentials: number; webauthnCredentials: number; recoveryCodeSets: number; sessions: number };
}

/**
 * Finishes a recovery in one write transaction, or nothing: the row is spent by a conditional
 * DELETE … RETURNING (waiting, its wait over, not expired), so of concurrent finishes exactly one
 * wins, on either database; then every second factor (apps, keys and passkeys, recovery codes) and
 * every session of the account go with it. A second factor that succeeds meanwhile deletes the row
 * first (a cancel), and then nothing here happens.
 */
export async function completeAccountRecovery(
  tokenHash: string,
  now: Date,
  /** REQUIRE_SECOND_FACTOR is on: the account's deadline to add a factor becomes this (lib decides it). */
  secondFactorRequiredSince?: Date,
): Promise<CompletedAccountRecovery | null> {
  return writeTransaction(function* (tx) {
    const [recovery] = yield* step(
      tx
        .delete(accountRecoveries)
        .where(
          and(
            eq(accountRecoveries.tokenHash, tokenHash),
            eq(accountRecoveries.status, "waiting"),
            lte(accountRecoveries.finishableAt, now),
            gt(accountRecoveries.expiresAt, now),
          ),
        )
        .returning(),
    );
    if (!recovery) return null;
    const { userId } = recovery;
    const setsOfUser = tx.select({ id: recoveryCodeSets.id }).from(recoveryCodeSets).where(eq(recoveryCodeSets.userId, userId));
    yield* step(tx.delete(recoveryCodes).where(inArray(recoveryCodes.setId, setsOfUser)));
    const removed = {
      recoveryCodeSets: rowsAffected(yield* step(tx.delete(recoveryCodeSets).where(eq(recoveryCodeSets.userId, userId)))),
      totpCredentials: rowsAffected(yield* step(tx.delete(totpCredentials).where(eq(totpCredentials.userId, userId)))),
      webauthnCredentials: rowsAffected(yield* step(tx.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)))),
      sessions: rowsAffected(yield* step(tx.delete(sessions).where(eq(sessions.userId, userId)))),
    };
    if (secondFactorRequiredSince) yield* step(tx.update(users).set({ secondFactorRequiredSince }).where(eq(users.id, userId)));
    return { recovery, removed };
  });
}

/**
 * Claims the reminders that are due (housekeeping): one conditional UPDATE marks each as sent, so
 * two processes running housekeeping at once never mail the same reminder twice.
 */
export async function claimDueAccountRecoveryReminders(now: Date): Promise<Array<AccountRecoveryRow & { email: string }>> {
  const db = await getDb();
  const claimed = await db
    .update(accountRecoveries)
    .set({ reminderSentAt: now })
    .where(
      and(
        eq(accountRecoveries.status, "waiting"),
        lte(accountRecoveries.reminderDueAt, now),
        isNull(accountRecoveries.reminderSentAt),
        gt(accountRecoveries.expiresAt, now),
      ),
    )
    .returning();
  if (claimed.length === 0) return [];
  const emails = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, claimed.map((row) => row.userId)));
  const byId = new Map(emails.map((row) => [row.id, row.email]));
  return claimed.flatMap((row) => (byId.has(row.userId) ? [{ ...row, email: byId.get(row.userId)! }] : []));
}

export async function deleteExpiredAccountRecoveries(now: Date): Promise<number> {
  return rowsAffected(await (await getDb()).delete(accountRecoveries).where(lte(accountRecoveries.expiresAt, now)));
}
