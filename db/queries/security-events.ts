import "server-only";
import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { securityEvents } from "@/db/schema";

export type SecurityEventRow = typeof securityEvents.$inferSelect;

/** Returns the new event's id. */
export type NewSecurityEvent = Omit<SecurityEventRow, "id" | "actor" | "repeatCount" | "lastOccurredAt"> & Partial<Pick<SecurityEventRow, "actor">>;

export async function insertSecurityEvent(row: NewSecurityEvent): Promise<number> {
  const inserted = getDb().insert(securityEvents).values(row).returning({ id: securityEvents.id }).get();
  return inserted.id;
}

/** Newest first; `beforeId` pages further back (ids grow with time). */
export async function listSecurityEvents(userId: string, limit: number, beforeId?: number): Promise<SecurityEventRow[]> {
  return getDb()
    .select()
    .from(securityEvents)
    .where(beforeId === undefined ? eq(securityEvents.userId, userId) : and(eq(securityEvents.userId, userId), lt(securityEvents.id, beforeId)))
    .orderBy(desc(securityEvents.createdAt), desc(securityEvents.id))
    .limit(limit)
    .all();
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
  const row = getDb()
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
    .limit(1)
    .get();
  return row !== undefined;
}
