import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(email: string): Promise<UserRow | undefined> {
  return getDb().select().from(users).where(eq(users.email, email)).get();
}

export async function findUserById(id: string): Promise<UserRow | undefined> {
  return getDb().select().from(users).where(eq(users.id, id)).get();
}

/** Returns false when the email is taken (the UNIQUE constraint decides, so two racing sign-ups can't both win). */
export async function insertUser(row: UserRow): Promise<boolean> {
  const result = getDb().insert(users).values(row).onConflictDoNothing().run();
  return result.changes === 1;
}
