import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { getDb, step, writeTransaction } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { linkedIdentities, users, webauthnCredentials } from "@/db/schema";

export type LinkedIdentityRow = typeof linkedIdentities.$inferSelect;

/** The account an identity signs in to: looked up by (issuer, subject) only, never by email. */
export async function findLinkedIdentity(issuer: string, subject: string): Promise<LinkedIdentityRow | undefined> {
  const [row] = await (await getDb())
    .select()
    .from(linkedIdentities)
    .where(and(eq(linkedIdentities.issuer, issuer), eq(linkedIdentities.subject, subject)));
  return row;
}

export async function listLinkedIdentities(userId: string): Promise<LinkedIdentityRow[]> {
  return (await getDb())
    .select()
    .from(linkedIdentities)
    .where(eq(linkedIdentities.userId, userId))
    .orderBy(asc(linkedIdentities.createdAt), asc(linkedIdentities.id));
}

export async function countLinkedIdentities(userId: string): Promise<number> {
  const [row] = await (await getDb()).select({ n: count() }).from(linkedIdentities).where(eq(linkedIdentities.userId, userId));
  return row?.n ?? 0;
}

/**
 * False when the identity is linked already (to this account or another): the unique index on
 * (issuer, subject) decides, so two racing links can't both win.
 */
export async function insertLinkedIdentity(row: LinkedIdentityRow): Promise<boolean> {
  try {
    const inserted = await (await getDb())
      .insert(linkedIdentities)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: linkedIdentities.id });
    return inserted.length === 1;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function touchLinkedIdentity(id: string, now: Date): Promise<void> {
  await (await getDb()).update(linkedIdentities).set({ lastUsedAt: now }).where(eq(linkedIdentities.id, id));
}

/** One identity of this user's; its row when it was there. */
export async function deleteLinkedIdentity(userId: string, id: string): Promise<LinkedIdentityRow | undefined> {
  const [deleted] = await (await getDb())
    .delete(linkedIdentities)
    .where(and(eq(linkedIdentities.userId, userId), eq(linkedIdentities.id, id)))
    .returning();
  return deleted;
}

class IdentityTaken extends Error {}

/**
 * A new account (made through the provider, so without a password) and its identity in one
 * transaction: both or neither. False when the address is taken, or the identity was linked
 * meanwhile (then the user row is rolled back).
 */
export async function insertUserWithIdentity(user: typeof users.$inferInsert, identity: LinkedIdentityRow): Promise<boolean> {
  try {
    return await writeTransaction(
      function* (tx) {
        const created = yield* step(tx.insert(users).values(user).onConflictDoNothing().returning({ id: users.id }));
        if (created.length !== 1) return false;
        const linked = yield* step(tx.insert(linkedIdentities).values(identity).onConflictDoNothing().returning({ id: linkedIdentities.id }));
        if (linked.length !== 1) throw new IdentityTaken();
        return true;
      },
      { lock: `linked-identity:${identity.issuer} ${identity.subject}` },
    );
  } catch (error) {
    if (error instanceof IdentityTaken) return false;
    throw error;
  }
}

export type UnlinkOutcome = { kind: "unlinked"; row: LinkedIdentityRow } | { kind: "missing" } | { kind: "last" };

/**
 * Removes one identity of this user's unless `refuse` says it is the last way in (lib/mfa/ways-in.ts
 * decides; it gets the account's identities and passkeys, counted in the same transaction as the
 * delete). Serialised per user under the lock the passkey removal takes, so two removals at once
 * (two identities, or an identity and a passkey) can't both pass.
 */
export async function deleteLinkedIdentityUnless(
  userId: string,
  id: string,
  refuse: (ways: { passkeys: number; linkedIdentities: number }) => boolean,
): Promise<UnlinkOutcome> {
  return writeTransaction(
    function* (tx) {
      const rows = yield* step(tx.select().from(linkedIdentities).where(eq(linkedIdentities.userId, userId)));
      const row = rows.find((r) => r.id === id);
      if (!row) return { kind: "missing" } as const;
      const [passkeys] = yield* step(
        tx.select({ n: count() }).from(webauthnCredentials).where(and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.isPasskey, true))),
      );
      if (refuse({ passkeys: Number(passkeys?.n ?? 0), linkedIdentities: rows.length })) return { kind: "last" } as const;
      yield* step(tx.delete(linkedIdentities).where(and(eq(linkedIdentities.userId, userId), eq(linkedIdentities.id, id))));
      return { kind: "unlinked", row } as const;
    },
    { lock: `linked-identities:${userId}` },
  );
}
