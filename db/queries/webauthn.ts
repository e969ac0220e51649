import "server-only";
import { and, asc, eq, lt, lte, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { webauthnCredentials, webauthnSpentChallenges } from "@/db/schema";

export type WebAuthnCredentialRow = typeof webauthnCredentials.$inferSelect;

export async function listWebAuthnCredentials(userId: string): Promise<WebAuthnCredentialRow[]> {
  return getDb()
    .select()
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId))
    .orderBy(asc(webauthnCredentials.createdAt))
    .all();
}

let hasCredentialStatement: ReturnType<typeof prepareHasCredential> | undefined;

function prepareHasCredential() {
  return getDb()
    .select({ id: webauthnCredentials.id })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, sql.placeholder("userId")))
    .limit(1)
    .prepare();
}

/** Part of every request's available-AAL check: prepared once per process. */
export async function hasWebAuthnCredential(userId: string): Promise<boolean> {
  hasCredentialStatement ??= prepareHasCredential();
  return hasCredentialStatement.get({ userId }) !== undefined;
}

export async function findWebAuthnCredential(id: string): Promise<WebAuthnCredentialRow | undefined> {
  return getDb().select().from(webauthnCredentials).where(eq(webauthnCredentials.id, id)).get();
}

/** False when the credential id is already bound to any account (the primary key decides). */
export async function insertWebAuthnCredential(row: WebAuthnCredentialRow): Promise<boolean> {
  return getDb().insert(webauthnCredentials).values(row).onConflictDoNothing().run().changes === 1;
}

export async function renameWebAuthnCredential(userId: string, id: string, name: string): Promise<boolean> {
  return (
    getDb()
      .update(webauthnCredentials)
      .set({ name })
      .where(and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.id, id)))
      .run().changes === 1
  );
}

export async function deleteWebAuthnCredential(userId: string, id: string): Promise<WebAuthnCredentialRow | undefined> {
  return getDb()
    .delete(webauthnCredentials)
    .where(and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.id, id)))
    .returning()
    .get();
}

export async function deleteAllWebAuthnCredentials(userId: string): Promise<void> {
  getDb().delete(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).run();
}

/**
 * Records a use. The counter only moves forward: a concurrent use that already stored a higher
 * counter wins (the WHERE clause), and this call reports false.
 */
export async function recordWebAuthnUse(id: string, counter: number, usedAt: Date): Promise<boolean> {
  return (
    getDb()
      .update(webauthnCredentials)
      .set({ counter, lastUsedAt: usedAt })
      .where(and(eq(webauthnCredentials.id, id), lt(webauthnCredentials.counter, counter)))
      .run().changes === 1 ||
    // Authenticators without a counter always report 0; only the time changes then.
    (counter === 0 &&
      getDb()
        .update(webauthnCredentials)
        .set({ lastUsedAt: usedAt })
        .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.counter, 0)))
        .run().changes === 1)
  );
}

/**
 * Spends a WebAuthn challenge (lib/mfa/webauthn-challenge.ts): true for the one insert that wins.
 * INSERT … ON CONFLICT DO NOTHING on the primary key decides between concurrent redemptions, in
 * this process or another sharing the database.
 */
export async function insertSpentChallenge(challengeHash: string, expiresAt: Date): Promise<boolean> {
  return getDb().insert(webauthnSpentChallenges).values({ challengeHash, expiresAt }).onConflictDoNothing().run().changes === 1;
}

/** Housekeeping: a spent challenge past its expiry can't be presented again anyway. Returns rows removed. */
export async function deleteExpiredSpentChallenges(now: Date): Promise<number> {
  return getDb().delete(webauthnSpentChallenges).where(lte(webauthnSpentChallenges.expiresAt, now)).run().changes;
}
