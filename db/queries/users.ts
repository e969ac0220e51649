import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, step, writeTransaction } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
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
export async function insertUser(row: typeof users.$inferInsert): Promise<boolean> {
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
 * Marks the account's address as proven, only if it is still the address the link was sent to (a
 * link for an address the account has since left proves nothing about the current one).
 */
export async function markEmailVerified(userId: string, email: string, now: Date): Promise<boolean> {
  const updated = await (await getDb())
    .update(users)
    .set({ emailVerifiedAt: now })
    .where(and(eq(users.id, userId), eq(users.email, email)))
    .returning({ id: users.id });
  return updated.length === 1;
}

export type EmailChangeResult = { changed: true; previousEmail: string } | { changed: false; reason: "taken" | "gone" };

/**
 * Moves the account to `email`, proven by the link just spent, so it is verified at once. The
 * UNIQUE constraint on users.email decides whether the address is free, at the moment of the write:
 * of two accounts racing for one address exactly one gets it, and the other reads "taken".
 */
export async function changeUserEmail(userId: string, email: string, now: Date): Promise<EmailChangeResult> {
  try {
    return await writeTransaction(
      function* (tx) {
        const [current] = yield* step(tx.select({ email: users.email }).from(users).where(eq(users.id, userId)));
        if (!current) return { changed: false, reason: "gone" } as const;
        yield* step(tx.update(users).set({ email, emailVerifiedAt: now }).where(eq(users.id, userId)));
        return { changed: true, previousEmail: current.email } as const;
      },
      { lock: `email-change:${userId}` },
    );
  } catch (error) {
    if (isUniqueViolation(error)) return { changed: false, reason: "taken" };
    throw error;
  }
}
