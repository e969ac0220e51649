import "server-only";
import { and, asc, eq, isNull, notExists } from "drizzle-orm";
import { getDb } from "@/db/client";
import { totpCredentials, users, webauthnCredentials } from "@/db/schema";

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(email: string): Promise<UserRow | undefined> {
  const [row] = await (await getDb()).select().from(users).where(eq(users.email, email));
  return row;
}

export async function findUserById(id: string): Promise<UserRow | undefined> {
  const [row] = await (await getDb()).select().from(users).where(eq(users.id, id));
  return row;
}

/** Returns false when the email is taken (the UNIQUE constraint decides, so two racing sign-ups can't both win). */
export type NewUserRow = typeof users.$inferInsert;

export async function insertUser(row: NewUserRow): Promise<boolean> {
  const inserted = await (await getDb()).insert(users).values(row).onConflictDoNothing().returning({ id: users.id });
  return inserted.length === 1;
}

/**
 * Replaces a password hash only if it is still the one the caller verified (compare-and-set), so a
 * rehash on sign-in can't overwrite a password change that landed in between. True when replaced.
 */
export async function updatePasswordHashIfUnchanged(userId: string, oldHash: string, newHash: string): Promise<boolean> {
  const updated = await (await getDb())
    .update(users)
    .set({ passwordHash: newHash })
    .where(and(eq(users.id, userId), eq(users.passwordHash, oldHash)))
    .returning({ id: users.id });
  return updated.length === 1;
}

/**
 * While REQUIRE_SECOND_FACTOR is on: the first time the policy applied to the account (its sign-up
 * or its first sign-in since), set once. Returns the value now stored.
 */
export async function markSecondFactorRequired(userId: string, since: Date): Promise<Date | null> {
  const db = await getDb();
  await db.update(users).set({ secondFactorRequiredSince: since }).where(and(eq(users.id, userId), isNull(users.secondFactorRequiredSince)));
  const [row] = await db.select({ since: users.secondFactorRequiredSince }).from(users).where(eq(users.id, userId));
  return row?.since ?? null;
}

/** Accounts with neither an authenticator app nor a WebAuthn credential (recovery codes alone don't count), oldest first. */
export async function listUsersWithoutSecondFactor(): Promise<UserRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(users)
    .where(
      and(
        notExists(db.select({ id: totpCredentials.id }).from(totpCredentials).where(eq(totpCredentials.userId, users.id))),
        notExists(db.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, users.id))),
      ),
    )
    .orderBy(asc(users.createdAt), asc(users.email));
}
