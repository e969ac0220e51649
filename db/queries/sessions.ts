import "server-only";
import { and, desc, eq, gt, isNull, lte, ne, or, sql } from "drizzle-orm";
import { getDb, prepared, rowsAffected } from "@/db/client";
import { sessions, users } from "@/db/schema";

export type SessionRow = typeof sessions.$inferSelect;
export type SessionWithUser = { session: SessionRow; user: { id: string; email: string; emailVerifiedAt: Date | null } };

export async function insertSession(row: SessionRow): Promise<void> {
  await (await getDb()).insert(sessions).values(row);
}

/*
 * The per-request session check runs on every page and API call: its statements are prepared once
 * per process instead of being compiled by Drizzle and the database on every request.
 */
const findByTokenHash = (db: Awaited<ReturnType<typeof getDb>>) =>
  prepared(db, "session_by_token_hash", (db) =>
    db
      .select({ session: sessions, user: { id: users.id, email: users.email, emailVerifiedAt: users.emailVerifiedAt } })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
      .prepare("session_by_token_hash"),
  );

const touch = (db: Awaited<ReturnType<typeof getDb>>) =>
  prepared(db, "session_touch", (db) =>
    db
      .update(sessions)
      .set({ lastSeenAt: sql`${sql.placeholder("lastSeenAt")}` })
      .where(eq(sessions.id, sql.placeholder("id")))
      .prepare("session_touch"),
  );

export async function findSessionByTokenHash(tokenHash: string): Promise<SessionWithUser | undefined> {
  const [row] = await findByTokenHash(await getDb()).execute({ tokenHash });
  return row;
}

export async function touchSession(id: string, lastSeenAt: Date): Promise<void> {
  await touch(await getDb()).execute({ id, lastSeenAt: lastSeenAt.getTime() });
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
  const updated = await (await getDb())
    .update(sessions)
    .set(update)
    .where(and(eq(sessions.id, id), eq(sessions.tokenHash, expectedTokenHash)))
    .returning({ id: sessions.id });
  return updated.length === 1;
}

export async function deleteSession(id: string): Promise<boolean> {
  const deleted = await (await getDb()).delete(sessions).where(eq(sessions.id, id)).returning({ id: sessions.id });
  return deleted.length === 1;
}

export async function deleteUserSession(userId: string, id: string): Promise<boolean> {
  const deleted = await (await getDb())
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, id)))
    .returning({ id: sessions.id });
  return deleted.length === 1;
}

export async function deleteOtherUserSessions(userId: string, keepId: string): Promise<number> {
  const deleted = await (await getDb())
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepId)))
    .returning({ id: sessions.id });
  return deleted.length;
}

export async function deleteAllUserSessions(userId: string): Promise<number> {
  const deleted = await (await getDb()).delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return deleted.length;
}

/**
 * The account's live sessions: rows past their absolute or idle lifetime are refused on use and
 * pruned by housekeeping, and never listed meanwhile.
 */
export async function listUserSessions(userId: string, now: Date, idleCutoff: Date): Promise<SessionRow[]> {
  return (await getDb())
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, idleCutoff)))
    .orderBy(desc(sessions.lastSeenAt));
}

/**
 * Housekeeping: rows past their absolute or idle lifetime, and fresh sign-ins whose second step
 * lapsed (they are already refused on use). Each condition has its own index.
 */
export async function deleteExpiredSessions(now: Date, idleCutoff: Date, halfSignInCutoff: Date): Promise<number> {
  const result = await (await getDb())
    .delete(sessions)
    .where(
      or(
        lte(sessions.expiresAt, now),
        lte(sessions.lastSeenAt, idleCutoff),
        and(isNull(sessions.authenticatedAt), lte(sessions.secondFactorDueSince, halfSignInCutoff)),
      ),
    );
  return rowsAffected(result);
}
