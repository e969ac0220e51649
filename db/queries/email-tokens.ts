import "server-only";
import { and, eq, gt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { emailTokens } from "@/db/schema";

export type EmailTokenRow = typeof emailTokens.$inferSelect;
export type EmailTokenPurpose = EmailTokenRow["purpose"];

/**
 * Stores a new link for the account and purpose, replacing any earlier one in the same statement
 * (the pair is unique): a newer link always invalidates the older.
 */
export async function replaceEmailToken(row: EmailTokenRow): Promise<void> {
  await (await getDb())
    .insert(emailTokens)
    .values(row)
    .onConflictDoUpdate({
      target: [emailTokens.userId, emailTokens.purpose],
      set: { tokenHash: row.tokenHash, email: row.email, createdAt: row.createdAt, expiresAt: row.expiresAt },
    });
}

/**
 * Spends a link: one conditional DELETE … RETURNING (the hash matches and it has not expired), so
 * of concurrent uses, in any process, exactly one gets the row.
 */
export async function spendEmailToken(tokenHash: string, now: Date): Promise<EmailTokenRow | undefined> {
  const [row] = await (await getDb())
    .delete(emailTokens)
    .where(and(eq(emailTokens.tokenHash, tokenHash), gt(emailTokens.expiresAt, now)))
    .returning();
  return row;
}

/** The account's live link for a purpose (the pending email change the settings page shows). */
export async function findLiveEmailToken(userId: string, purpose: EmailTokenPurpose, now: Date): Promise<EmailTokenRow | undefined> {
  const [row] = await (await getDb())
    .select()
    .from(emailTokens)
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), gt(emailTokens.expiresAt, now)));
  return row;
}

/** Ends the account's link for a purpose (a cancelled change, an address that changed); how many went. */
export async function deleteEmailTokens(userId: string, purpose: EmailTokenPurpose, now?: Date): Promise<number> {
  const removed = await (await getDb())
    .delete(emailTokens)
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), now ? gt(emailTokens.expiresAt, now) : undefined))
    .returning({ tokenHash: emailTokens.tokenHash });
  return removed.length;
}

