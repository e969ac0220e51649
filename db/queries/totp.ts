import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, prepared } from "@/db/client";
import { totpCredentials } from "@/db/schema";

export type TotpCredentialRow = typeof totpCredentials.$inferSelect;

export async function findTotpCredential(userId: string): Promise<TotpCredentialRow | undefined> {
  const [row] = await (await getDb()).select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
  return row;
}

/** Part of every request's available-AAL check: prepared once per process. */
export async function hasTotpCredential(userId: string): Promise<boolean> {
  const statement = prepared(await getDb(), "totp_exists", (db) =>
    db
      .select({ id: totpCredentials.id })
      .from(totpCredentials)
      .where(eq(totpCredentials.userId, sql.placeholder("userId")))
      .prepare("totp_exists"),
  );
  return (await statement.execute({ userId })).length > 0;
}

/** False when the user already has one (one authenticator app per account). */
export async function insertTotpCredential(row: TotpCredentialRow): Promise<boolean> {
  const inserted = await (await getDb()).insert(totpCredentials).values(row).onConflictDoNothing().returning({ id: totpCredentials.id });
  return inserted.length === 1;
}

export async function deleteTotpCredential(userId: string): Promise<boolean> {
  const deleted = await (await getDb()).delete(totpCredentials).where(eq(totpCredentials.userId, userId)).returning({ id: totpCredentials.id });
  return deleted.length === 1;
}

/**
 * Accepts a time step only if it is newer than every step accepted before, in one conditional
 * UPDATE: of concurrent requests carrying the same code, in any process or app server, exactly one
 * gets the row back (PostgreSQL re-checks the WHERE clause after waiting for the row's lock).
 */
export async function claimTotpStep(userId: string, step: number, usedAt: Date): Promise<boolean> {
  const claimed = await (await getDb())
    .update(totpCredentials)
    .set({ lastUsedStep: step, lastUsedAt: usedAt })
    .where(
      and(
        eq(totpCredentials.userId, userId),
        or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
      ),
    )
    .returning({ id: totpCredentials.id });
  return claimed.length === 1;
}
