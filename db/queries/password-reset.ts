import "server-only";
import { and, eq, gt, isNotNull, sql } from "drizzle-orm";
import { getDb, step, writeTransaction } from "@/db/client";
import { passwordResetTokens, users } from "@/db/schema";

export type PasswordResetRow = typeof passwordResetTokens.$inferSelect;

/**
 * Stores a new link for the account, replacing any earlier one in the same statement (the user id
 * is unique): a newer link always invalidates the older, and a factor passed for the old link does
 * not carry over.
 */
export async function replacePasswordResetToken(row: PasswordResetRow): Promise<void> {
  await (await getDb())
    .insert(passwordResetTokens)
    .values(row)
    .onConflictDoUpdate({
      target: passwordResetTokens.userId,
      set: {
        tokenHash: row.tokenHash,
        passwordFingerprint: row.passwordFingerprint,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        secondFactorMethod: null,
        secondFactorAt: null,
      },
    });
}

/** The live row for a token hash (not expired), with its account; not consumed. */
export async function findPasswordReset(tokenHash: string, now: Date) {
  const [row] = await (await getDb())
    .select({ reset: passwordResetTokens, user: { id: users.id, email: users.email, passwordHash: users.passwordHash } })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(and(eq(passwordResetTokens.tokenHash, tokenHash), gt(passwordResetTokens.expiresAt, now)));
  return row;
}

/** Records, on the row, that the account's second factor was passed for this reset. */
export async function markPasswordResetSecondFactor(tokenHash: string, method: string, now: Date): Promise<boolean> {
  const marked = await (await getDb())
    .update(passwordResetTokens)
    .set({ secondFactorMethod: method, secondFactorAt: now })
    .where(and(eq(passwordResetTokens.tokenHash, tokenHash), gt(passwordResetTokens.expiresAt, now)))
    .returning({ tokenHash: passwordResetTokens.tokenHash });
  return marked.length === 1;
}

/**
 * Spends the link and sets the new password, in one write transaction. The token row is taken by a
 * single conditional DELETE … RETURNING (still live, still bound to the current password, factor
 * passed when one is needed): of concurrent uses, in any process, exactly one gets the row. The
 * password is then replaced only if it is still the one the link was issued against
 * (compare-and-set), else the transaction rolls back and nobody wins.
 */
export async function consumePasswordReset(input: {
  tokenHash: string;
  passwordFingerprint: string;
  oldPasswordHash: string;
  newPasswordHash: string;
  secondFactorRequired: boolean;
  now: Date;
}): Promise<PasswordResetRow | null> {
  try {
    return await writeTransaction(function* (tx) {
      const [taken] = yield* step(
        tx
          .delete(passwordResetTokens)
          .where(
            and(
              eq(passwordResetTokens.tokenHash, input.tokenHash),
              gt(passwordResetTokens.expiresAt, input.now),
              eq(passwordResetTokens.passwordFingerprint, input.passwordFingerprint),
              input.secondFactorRequired ? isNotNull(passwordResetTokens.secondFactorAt) : sql`1 = 1`,
            ),
          )
          .returning(),
      );
      if (!taken) return null;
      const changed = yield* step(
        tx
          .update(users)
          .set({ passwordHash: input.newPasswordHash })
          .where(and(eq(users.id, taken.userId), eq(users.passwordHash, input.oldPasswordHash)))
          .returning({ id: users.id }),
      );
      if (changed.length !== 1) throw new PasswordChangedMeanwhile();
      return taken;
    });
  } catch (error) {
    if (error instanceof PasswordChangedMeanwhile) return null;
    throw error;
  }
}

class PasswordChangedMeanwhile extends Error {}

/** Ends any link of the account (operator actions, account changes). */
export async function deletePasswordResetTokens(userId: string): Promise<void> {
  await (await getDb()).delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId));
}

