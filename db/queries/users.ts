import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";

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
export async function insertUser(row: UserRow): Promise<boolean> {
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
