import "server-only";
import { and, asc, count, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, prepared, step, writeTransaction } from "@/db/client";
import { totpCredentials } from "@/db/schema";

export type TotpCredentialRow = typeof totpCredentials.$inferSelect;

/** The user's authenticator apps, oldest first (the order the settings list and sign-in try them). */
export async function listTotpCredentials(userId: string): Promise<TotpCredentialRow[]> {
  return (await getDb())
    .select()
    .from(totpCredentials)
    .where(eq(totpCredentials.userId, userId))
    .orderBy(asc(totpCredentials.createdAt), asc(totpCredentials.id));
}

export async function countTotpCredentials(userId: string): Promise<number> {
  const [row] = await (await getDb()).select({ n: count() }).from(totpCredentials).where(eq(totpCredentials.userId, userId));
  return row?.n ?? 0;
}

/** Part of every request's available-AAL check: prepared once per process. */
export async function hasTotpCredential(userId: string): Promise<boolean> {
  const statement = prepared(await getDb(), "totp_exists", (db) =>
    db
      .select({ id: totpCredentials.id })
      .from(totpCredentials)
      .where(eq(totpCredentials.userId, sql.placeholder("userId")))
      .limit(1)
      .prepare("totp_exists"),
  );
  return (await statement.execute({ userId })).length > 0;
}

export type InsertTotpOutcome = "inserted" | "duplicate" | "too_many";

/**
 * Adds an app unless the account already holds `max`. The row's id comes from the pending
 * enrolment, so confirming the same enrolment twice (a double submit) adds it once: "duplicate".
 * Count and insert run in one transaction, serialised per user, so concurrent enrolments can't
 * pass the cap together.
 */
export async function insertTotpCredential(row: TotpCredentialRow, max: number): Promise<InsertTotpOutcome> {
  return writeTransaction(
    function* (tx) {
      const [existing] = yield* step(tx.select({ n: count() }).from(totpCredentials).where(eq(totpCredentials.userId, row.userId)));
      if ((existing?.n ?? 0) >= max) return "too_many" as const;
      const inserted = yield* step(tx.insert(totpCredentials).values(row).onConflictDoNothing().returning({ id: totpCredentials.id }));
      return inserted.length === 1 ? ("inserted" as const) : ("duplicate" as const);
    },
    { lock: `totp-credentials:${row.userId}` },
  );
}

/** One app of this user's; its row (for the name) when it was there. */
export async function deleteTotpCredential(userId: string, credentialId: string): Promise<TotpCredentialRow | undefined> {
  const [deleted] = await (await getDb())
    .delete(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), eq(totpCredentials.id, credentialId)))
    .returning();
  return deleted;
}

export async function deleteAllTotpCredentials(userId: string): Promise<void> {
  await (await getDb()).delete(totpCredentials).where(eq(totpCredentials.userId, userId));
}

/**
 * Accepts a time step for one app only if it is newer than every step that app had accepted, in
 * one conditional UPDATE on that app's row: of concurrent requests carrying the same code, in any
 * process or app server, exactly one gets the row back (PostgreSQL re-checks the WHERE clause after
 * waiting for the row's lock). Each app keeps its own state: a code from another app is another row.
 */
export async function claimTotpStep(userId: string, credentialId: string, step: number, usedAt: Date): Promise<boolean> {
  const claimed = await (await getDb())
    .update(totpCredentials)
    .set({ lastUsedStep: step, lastUsedAt: usedAt })
    .where(
      and(
        eq(totpCredentials.id, credentialId),
        eq(totpCredentials.userId, userId),
        or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
      ),
    )
    .returning({ id: totpCredentials.id });
  return claimed.length === 1;
}
