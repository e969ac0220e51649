import "server-only";
import { and, desc, eq, gt, isNull, lte, ne, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { sessions, users } from "@/db/schema";

export type SessionRow = typeof sessions.$inferSelect;
export type SessionWithUser = { session: SessionRow; user: { id: string; email: string } };

export async function insertSession(row: SessionRow): Promise<void> {
  getDb().insert(sessions).values(row).run();
}

/**
 * The per-request session check runs on every page and API call: its statements are prepared once
 * per process instead of being compiled by Drizzle and SQLite on every request.
 */
const prepared = {
  byTokenHash: undefined as ReturnType<typeof prepareFindByTokenHash> | undefined,
  touch: undefined as ReturnType<typeof prepareTouch> | undefined,
};

function prepareFindByTokenHash() {
  return getDb()
    .select({ session: sessions, user: { id: users.id, email: users.email } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
    .prepare();
}

function prepareTouch() {
  return getDb()
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder("lastSeenAt")}` })
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare();
}

export async function findSessionByTokenHash(tokenHash: string): Promise<SessionWithUser | undefined> {
  prepared.byTokenHash ??= prepareFindByTokenHash();
  return prepared.byTokenHash.get({ tokenHash });
}

export async function touchSession(id: string, lastSeenAt: Date): Promise<void> {
  prepared.touch ??= prepareTouch();
  prepared.touch.run({ id, lastSeenAt: lastSeenAt.getTime() });
}

export type SessionAuthUpdate = Pick<SessionRow, "tokenHash" | "amr" | "authenticatedAt" | "secondFactorDueSince" | "expiresAt" | "lastSeenAt">;

/**
 * Records a completed authentication step. `expectedTokenHash` makes it a compare-and-set: if two
 * requests race on the same session, only the first rotates the token.
 */
export async function updateSessionAuth(
  id: string,
  expectedTokenHash: string,
  update: SessionAuthUpdate,
): Promise<boolean> {
  const result = getDb()
    .update(sessions)
    .set(update)
    .where(and(eq(sessions.id, id), eq(sessions.tokenHash, expectedTokenHash)))
    .run();
  return result.changes === 1;
}

export async function deleteSession(id: string): Promise<boolean> {
  return getDb().delete(sessions).where(eq(sessions.id, id)).run().changes === 1;
}

export async function deleteUserSession(userId: string, id: string): Promise<boolean> {
  return (
    getDb()
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), eq(sessions.id, id)))
      .run().changes === 1
  );
}

export async function deleteOtherUserSessions(userId: string, keepId: string): Promise<number> {
  return getDb()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepId)))
    .run().changes;
}

export async function deleteAllUserSessions(userId: string): Promise<number> {
  return getDb().delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}

/**
 * The account's live sessions: rows past their absolute or idle lifetime are refused on use and
 * pruned by housekeeping, and never listed meanwhile.
 */
export async function listUserSessions(userId: string, now: Date, idleCutoff: Date): Promise<SessionRow[]> {
  return getDb()
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, idleCutoff)))
    .orderBy(desc(sessions.lastSeenAt))
    .all();
}

/**
 * Housekeeping: rows past their absolute or idle lifetime, and fresh sign-ins whose second step
 * lapsed (they are already refused on use). Each condition has its own index.
 */
export async function deleteExpiredSessions(now: Date, idleCutoff: Date, halfSignInCutoff: Date): Promise<number> {
  return getDb()
    .delete(sessions)
    .where(
      or(
        lte(sessions.expiresAt, now),
        lte(sessions.lastSeenAt, idleCutoff),
        and(isNull(sessions.authenticatedAt), lte(sessions.secondFactorDueSince, halfSignInCutoff)),
      ),
    )
    .run().changes;
}
