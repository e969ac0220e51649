import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { totpCredentials } from "@/db/schema";

export type TotpCredentialRow = typeof totpCredentials.$inferSelect;

export async function findTotpCredential(userId: string): Promise<TotpCredentialRow | undefined> {
  return getDb().select().from(totpCredentials).where(eq(totpCredentials.userId, userId)).get();
}

let hasCredentialStatement: ReturnType<typeof prepareHasCredential> | undefined;

function prepareHasCredential() {
  return getDb()
    .select({ id: totpCredentials.id })
    .from(totpCredentials)
    .where(eq(totpCredentials.userId, sql.placeholder("userId")))
    .prepare();
}

/** Part of every request's available-AAL check: prepared once per process. */
export async function hasTotpCredential(userId: string): Promise<boolean> {
  hasCredentialStatement ??= prepareHasCredential();
  return hasCredentialStatement.get({ userId }) !== undefined;
}

/** False when the user already has one (one authenticator app per account). */
export async function insertTotpCredential(row: TotpCredentialRow): Promise<boolean> {
  return getDb().insert(totpCredentials).values(row).onConflictDoNothing().run().changes === 1;
}

export async function deleteTotpCredential(userId: string): Promise<boolean> {
  return getDb().delete(totpCredentials).where(eq(totpCredentials.userId, userId)).run().changes === 1;
}

/**
 * Accepts a time step only if it is newer than every step accepted before, in one statement: of
 * two concurrent requests carrying the same code, exactly one sees `changes === 1`.
 */
export async function claimTotpStep(userId: string, step: number, usedAt: Date): Promise<boolean> {
  const result = getDb()
    .update(totpCredentials)
    .set({ lastUsedStep: step, lastUsedAt: usedAt })
    .where(
      and(
        eq(totpCredentials.userId, userId),
        or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
      ),
    )
    .run();
  return result.changes === 1;
}
