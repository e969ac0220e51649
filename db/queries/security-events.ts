import "server-only";
import { and, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { securityEvents } from "@/db/schema";

export type SecurityEventRow = typeof securityEvents.$inferSelect;

/** Returns the new event's id. */
export type NewSecurityEvent = Omit<SecurityEventRow, "id" | "actor" | "repeatCount" | "lastOccurredAt"> & Partial<Pick<SecurityEventRow, "actor">>;

export async function insertSecurityEvent(row: NewSecurityEvent): Promise<number> {
  const [inserted] = await (await getDb()).insert(securityEvents).values(row).returning({ id: securityEvents.id });
  return inserted!.id;
}

/**
 * Counts one more occurrence on the newest `type` event of the user created at or after `since`,
 * in one statement. False when there is none (the caller inserts a new row).
 */
export async function countSecurityEventRepeat(userId: string, type: string, since: Date, at: Date): Promise<boolean> {
  const db = await getDb();
  const newest = db
    .select({ id: securityEvents.id })
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, type), gte(securityEvents.createdAt, since)))
    .orderBy(desc(securityEvents.id))
    .limit(1);
  const counted = await db
    .update(securityEvents)
    .set({ repeatCount: sql`${securityEvents.repeatCount} + 1`, lastOccurredAt: at })
    .where(eq(securityEvents.id, sql`(${newest})`))
    .returning({ id: securityEvents.id });
  return counted.length === 1;
}

/** The detail (JSON) of the user's newest event of `type`, or undefined when there is none. */
export async function newestSecurityEventDetail(userId: string, type: string): Promise<string | undefined> {
  const [row] = await (await getDb())
    .select({ detail: securityEvents.detail })
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, type)))
    .orderBy(desc(securityEvents.createdAt), desc(securityEvents.id))
    .limit(1);
  return row?.detail;
}

/** Newest first; `beforeId` pages further back (ids grow with time). */
export async function listSecurityEvents(userId: string, limit: number, beforeId?: number): Promise<SecurityEventRow[]> {
  return (await getDb())
    .select()
    .from(securityEvents)
    .where(beforeId === undefined ? eq(securityEvents.userId, userId) : and(eq(securityEvents.userId, userId), lt(securityEvents.id, beforeId)))
    .orderBy(desc(securityEvents.createdAt), desc(securityEvents.id))
    .limit(limit);
}

/**
 * Whether an event of one of `types` from this exact user agent and IP came before event `beforeId`
 * ("have we seen this device before?"). Comparing ids rather than times makes two parallel sign-ins
 * from a new device agree that only the first was new.
 */
export async function hasEarlierEventFrom(
  userId: string,
  types: readonly string[],
  client: { ip: string | null; userAgent: string | null },
  beforeId: number,
): Promise<boolean> {
  const [row] = await (await getDb())
    .select({ id: securityEvents.id })
    .from(securityEvents)
    .where(
      and(
        eq(securityEvents.userId, userId),
        inArray(securityEvents.type, [...types]),
        client.ip === null ? isNull(securityEvents.ip) : eq(securityEvents.ip, client.ip),
        client.userAgent === null ? isNull(securityEvents.userAgent) : eq(securityEvents.userAgent, client.userAgent),
        lt(securityEvents.id, beforeId),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Whether the user's log holds an event of `type` created before `before` (any time when omitted). */
export async function hasSecurityEvent(userId: string, type: string, before?: Date): Promise<boolean> {
  const [row] = await (await getDb())
    .select({ id: securityEvents.id })
    .from(securityEvents)
    .where(
      before === undefined
        ? and(eq(securityEvents.userId, userId), eq(securityEvents.type, type))
        : and(eq(securityEvents.userId, userId), eq(securityEvents.type, type), lt(securityEvents.createdAt, before)),
    )
    .limit(1);
  return row !== undefined;
}
