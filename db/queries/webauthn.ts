import "server-only";
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { webauthnChallenges, webauthnCredentials } from "@/db/schema";

export type WebAuthnCredentialRow = typeof webauthnCredentials.$inferSelect;
export type WebAuthnChallengeRow = typeof webauthnChallenges.$inferSelect;

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

export async function insertWebAuthnChallenge(row: WebAuthnChallengeRow, now: Date): Promise<void> {
  const db = getDb();
  // Housekeeping on the way in: expired challenges are useless, never let them pile up.
  db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now)).run();
  db.insert(webauthnChallenges).values(row).run();
}

/**
 * Consumes a challenge: one DELETE … RETURNING, so of two requests presenting the same challenge
 * exactly one gets the row. Expired or foreign (other purpose or binding) challenges are not found.
 */
export async function consumeWebAuthnChallenge(
  challenge: string,
  purpose: string,
  bindingHash: string,
  now: Date,
): Promise<WebAuthnChallengeRow | undefined> {
  return getDb()
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        eq(webauthnChallenges.bindingHash, bindingHash),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning()
    .get();
}
