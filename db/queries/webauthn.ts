import "server-only";
import { and, asc, count, eq, lt, lte, sql } from "drizzle-orm";
import { getDb, prepared, rowsAffected, step, writeTransaction } from "@/db/client";
import { linkedIdentities, webauthnCredentials, webauthnSpentChallenges } from "@/db/schema";

export type WebAuthnCredentialRow = typeof webauthnCredentials.$inferSelect;

export async function listWebAuthnCredentials(userId: string): Promise<WebAuthnCredentialRow[]> {
  return (await getDb())
    .select()
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId))
    .orderBy(asc(webauthnCredentials.createdAt));
}

/** Part of every request's available-AAL check: prepared once per process. */
export async function hasWebAuthnCredential(userId: string): Promise<boolean> {
  const statement = prepared(await getDb(), "webauthn_exists", (db) =>
    db
      .select({ id: webauthnCredentials.id })
      .from(webauthnCredentials)
      .where(eq(webauthnCredentials.userId, sql.placeholder("userId")))
      .limit(1)
      .prepare("webauthn_exists"),
  );
  return (await statement.execute({ userId })).length > 0;
}

export async function findWebAuthnCredential(id: string): Promise<WebAuthnCredentialRow | undefined> {
  const [row] = await (await getDb()).select().from(webauthnCredentials).where(eq(webauthnCredentials.id, id));
  return row;
}

/** False when the credential id is already bound to any account (the primary key decides). */
export async function insertWebAuthnCredential(row: WebAuthnCredentialRow): Promise<boolean> {
  const inserted = await (await getDb())
    .insert(webauthnCredentials)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: webauthnCredentials.id });
  return inserted.length === 1;
}

export async function renameWebAuthnCredential(userId: string, id: string, name: string): Promise<boolean> {
  const renamed = await (await getDb())
    .update(webauthnCredentials)
    .set({ name })
    .where(and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.id, id)))
    .returning({ id: webauthnCredentials.id });
  return renamed.length === 1;
}

export async function deleteWebAuthnCredential(userId: string, id: string): Promise<WebAuthnCredentialRow | undefined> {
  const [row] = await (await getDb())
    .delete(webauthnCredentials)
    .where(and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.id, id)))
    .returning();
  return row;
}

export type GuardedWebAuthnDeletion =
  | { kind: "deleted"; row: WebAuthnCredentialRow }
  | { kind: "missing" }
  | { kind: "refused" };

/**
 * Deletes one of the user's credentials unless `refuse` says it is the last way in (lib/mfa/ways-in.ts
 * decides; it gets the credential and the account's passkeys and linked identities, counted in the
 * same transaction as the delete). Serialised per user under the lock the identity unlink takes,
 * so two removals at once (two passkeys, or a passkey and an identity) can't both pass.
 */
export async function deleteWebAuthnCredentialUnless(
  userId: string,
  id: string,
  refuse: (target: WebAuthnCredentialRow, ways: { passkeys: number; linkedIdentities: number }) => boolean,
): Promise<GuardedWebAuthnDeletion> {
  return writeTransaction(
    function* (tx) {
      const rows = yield* step(tx.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)));
      const target = rows.find((row) => row.id === id);
      if (!target) return { kind: "missing" } as const;
      const [identities] = yield* step(tx.select({ n: count() }).from(linkedIdentities).where(eq(linkedIdentities.userId, userId)));
      const ways = { passkeys: rows.filter((row) => row.isPasskey).length, linkedIdentities: Number(identities?.n ?? 0) };
      if (refuse(target, ways)) return { kind: "refused" } as const;
      yield* step(tx.delete(webauthnCredentials).where(and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.id, id))));
      return { kind: "deleted", row: target } as const;
    },
    { lock: `linked-identities:${userId}` },
  );
}

export async function deleteAllWebAuthnCredentials(userId: string): Promise<void> {
  await (await getDb()).delete(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
}

/**
 * Records a use. The counter only moves forward: a concurrent use that already stored a higher
 * counter wins (the WHERE clause), and this call reports false.
 */
export async function recordWebAuthnUse(id: string, counter: number, usedAt: Date): Promise<boolean> {
  const db = await getDb();
  const advanced = await db
    .update(webauthnCredentials)
    .set({ counter, lastUsedAt: usedAt })
    .where(and(eq(webauthnCredentials.id, id), lt(webauthnCredentials.counter, counter)))
    .returning({ id: webauthnCredentials.id });
  if (advanced.length === 1) return true;
  // Authenticators without a counter always report 0; only the time changes then.
  if (counter !== 0) return false;
  const touched = await db
    .update(webauthnCredentials)
    .set({ lastUsedAt: usedAt })
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.counter, 0)))
    .returning({ id: webauthnCredentials.id });
  return touched.length === 1;
}

/**
 * Spends a WebAuthn challenge (lib/mfa/webauthn-challenge.ts): true for the one insert that wins.
 * INSERT … ON CONFLICT DO NOTHING on the primary key decides between concurrent redemptions, in
 * this process or another sharing the database.
 */
export async function insertSpentChallenge(challengeHash: string, expiresAt: Date): Promise<boolean> {
  const inserted = await (await getDb())
    .insert(webauthnSpentChallenges)
    .values({ challengeHash, expiresAt })
    .onConflictDoNothing()
    .returning({ challengeHash: webauthnSpentChallenges.challengeHash });
  return inserted.length === 1;
}

/** Housekeeping: a spent challenge past its expiry can't be presented again anyway. Returns rows removed. */
export async function deleteExpiredSpentChallenges(now: Date): Promise<number> {
  return rowsAffected(await (await getDb()).delete(webauthnSpentChallenges).where(lte(webauthnSpentChallenges.expiresAt, now)));
}
