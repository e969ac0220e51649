import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, step, writeTransaction } from "@/db/client";
import { rateLimits } from "@/db/schema";

export type RateLimitRow = typeof rateLimits.$inferSelect;

/**
 * Read-modify-write of one counter in one transaction serialised per counter (SQLite's write
 * lock; on PostgreSQL an advisory lock on the bucket and key), so concurrent requests, in any
 * process or on any app server, can't both spend the last attempt.
 * `next` returns the row to store, or null to delete it.
 */
export async function updateRateLimit<R>(
  bucket: string,
  key: string,
  next: (current: RateLimitRow | undefined) => { row: RateLimitRow | null; result: R },
): Promise<R> {
  return writeTransaction(
    function* (tx) {
      const where = and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key));
      const [current] = yield* step(tx.select().from(rateLimits).where(where));
      const { row, result } = next(current);
      if (row === null) {
        if (current) yield* step(tx.delete(rateLimits).where(where));
      } else if (current) {
        yield* step(tx.update(rateLimits).set(row).where(where));
      } else {
        yield* step(tx.insert(rateLimits).values(row));
      }
      return result;
    },
    { lock: `rate-limit:${bucket}:${key}` },
  );
}

/** One counter as stored (for showing where it stands; spending goes through updateRateLimit). */
export async function findRateLimit(bucket: string, key: string): Promise<RateLimitRow | undefined> {
  const [row] = await (await getDb()).select().from(rateLimits).where(and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key)));
  return row;
}

export async function deleteRateLimit(bucket: string, key: string): Promise<void> {
  await updateRateLimit(bucket, key, () => ({ row: null, result: undefined }));
}
