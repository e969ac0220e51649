import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { securityEvents } from "@/db/schema";

export type SecurityEventRow = typeof securityEvents.$inferSelect;

export async function insertSecurityEvent(row: Omit<SecurityEventRow, "id">): Promise<void> {
  getDb().insert(securityEvents).values(row).run();
}

export async function listSecurityEvents(userId: string, limit: number): Promise<SecurityEventRow[]> {
  return getDb()
    .select()
    .from(securityEvents)
    .where(eq(securityEvents.userId, userId))
    .orderBy(desc(securityEvents.createdAt), desc(securityEvents.id))
    .limit(limit)
    .all();
}
