import "server-only";
import { and, asc, eq, exists, inArray, isNull, ne, notExists, or } from "drizzle-orm";
import { getDb, rowsAffected, step, writeTransaction } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import {
  emailTokens,
  linkedIdentities,
  accountRecoveries,
  mailOutbox,
  passwordResetTokens,
  rateLimits,
  recoveryCodes,
  recoveryCodeSets,
  securityEvents,
  sessions,
  totpCredentials,
  users,
  webauthnCredentials,
} from "@/db/schema";
import type { MailOutboxRow } from "@/db/queries/mail-outbox";

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
 * A password change from a signed-in session, in one write transaction: the hash is replaced only
 * if it is still the one the caller read (compare-and-set, so a reset or another change that landed
 * meanwhile is not silently overwritten) and only while the session asking still exists (one
 * revoked meanwhile can't change anything). Then every pending reset link of the account and every
 * other session go. Null when nothing changed.
 */
export async function changePasswordHash(input: {
  userId: string;
  oldHash: string;
  newHash: string;
  keepSessionId: string;
}): Promise<{ sessionsEnded: number; resetLinksEnded: number } | null> {
  return writeTransaction(
    function* (tx) {
      const changed = yield* step(
        tx
          .update(users)
          .set({ passwordHash: input.newHash })
          .where(
            and(
              eq(users.id, input.userId),
              eq(users.passwordHash, input.oldHash),
              exists(
                tx
                  .select({ id: sessions.id })
                  .from(sessions)
                  .where(and(eq(sessions.id, input.keepSessionId), eq(sessions.userId, input.userId))),
              ),
            ),
          )
          .returning({ id: users.id }),
      );
      if (changed.length !== 1) return null;
      const links = yield* step(tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, input.userId)));
      const ended = yield* step(
        tx.delete(sessions).where(and(eq(sessions.userId, input.userId), ne(sessions.id, input.keepSessionId))),
      );
      return { sessionsEnded: rowsAffected(ended), resetLinksEnded: rowsAffected(links) };
    },
    { lock: `password:${input.userId}` },
  );
}

/** What deleteUserAccount removed, row counts by table. */
export interface AccountDeletionReport {
  sessions: number;
  totpCredentials: number;
  webauthnCredentials: number;
  recoveryCodeSets: number;
  recoveryCodes: number;
  passwordResetTokens: number;
  emailTokens: number;
  linkedIdentities: number;
  accountRecoveries: number;
  mails: number;
  rateLimits: number;
  securityEvents: number;
}

/**
 * Deletes an account and every row of it in one write transaction, or nothing: the user row (only
 * while it still has `email`, the address the deletion was confirmed for), its factors, recovery
 * codes, sessions, reset, email and account-recovery links, queued and sent mails, its security log (no foreign key: deleted
 * by user id, docs/security.md "Deleting an account"), and the rate-limit counters named in
 * `rateLimits` (bucket and key: keyed by the email or the id, they carry no foreign key either).
 * Each child table is emptied explicitly, so the report counts what went and nothing depends on
 * the cascades; the cascades still catch a row another connection adds meanwhile on PostgreSQL.
 * `farewell` (a mail with no user id) is inserted in the same transaction, so the notice of the
 * deletion is queued if and only if the deletion happened, and is delivered and retried like any
 * other mail. Null when there was no such account.
 */
export async function deleteUserAccount(input: {
  userId: string;
  email: string;
  rateLimits: ReadonlyArray<readonly [bucket: string, key: string]>;
  farewell?: MailOutboxRow & { userId: null };
}): Promise<AccountDeletionReport | null> {
  const { userId } = input;
  return writeTransaction(
    function* (tx) {
      const [user] = yield* step(
        tx.select({ id: users.id }).from(users).where(and(eq(users.id, userId), eq(users.email, input.email))),
      );
      if (!user) return null;
      const setsOfUser = tx.select({ id: recoveryCodeSets.id }).from(recoveryCodeSets).where(eq(recoveryCodeSets.userId, userId));
      const report: AccountDeletionReport = {
        sessions: rowsAffected(yield* step(tx.delete(sessions).where(eq(sessions.userId, userId)))),
        totpCredentials: rowsAffected(yield* step(tx.delete(totpCredentials).where(eq(totpCredentials.userId, userId)))),
        webauthnCredentials: rowsAffected(yield* step(tx.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)))),
        recoveryCodes: rowsAffected(yield* step(tx.delete(recoveryCodes).where(inArray(recoveryCodes.setId, setsOfUser)))),
        recoveryCodeSets: rowsAffected(yield* step(tx.delete(recoveryCodeSets).where(eq(recoveryCodeSets.userId, userId)))),
        passwordResetTokens: rowsAffected(yield* step(tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId)))),
        emailTokens: rowsAffected(yield* step(tx.delete(emailTokens).where(eq(emailTokens.userId, userId)))),
        linkedIdentities: rowsAffected(yield* step(tx.delete(linkedIdentities).where(eq(linkedIdentities.userId, userId)))),
        accountRecoveries: rowsAffected(yield* step(tx.delete(accountRecoveries).where(eq(accountRecoveries.userId, userId)))),
        mails: rowsAffected(yield* step(tx.delete(mailOutbox).where(eq(mailOutbox.userId, userId)))),
        rateLimits:
          input.rateLimits.length === 0
            ? 0
            : rowsAffected(
                yield* step(
                  tx
                    .delete(rateLimits)
                    .where(or(...input.rateLimits.map(([bucket, key]) => and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key))))),
                ),
              ),
        securityEvents: rowsAffected(yield* step(tx.delete(securityEvents).where(eq(securityEvents.userId, userId)))),
      };
      yield* step(tx.delete(users).where(eq(users.id, userId)));
      if (input.farewell) yield* step(tx.insert(mailOutbox).values(input.farewell));
      return report;
    },
    { lock: `account:${userId}` },
  );
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
