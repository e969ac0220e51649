import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, step, writeTransaction } from "@/db/client";
import { rateLimits } from "@/db/schema";

export type RateLimitRow = typeof rateLimits.$inferSelect;

/** One counter's read-modify-write: `next` returns the row to store, or null to delete it. */
export interface RateLimitUpdate<R> {
  bucket: string;
  key: string;
  next: (current: RateLimitRow | undefined) => { row: RateLimitRow | null; result: R };
}

/**
 * Read-modify-write of several counters (those one attempt spends, or one success settles) in one
 * transaction serialised per counter (SQLite's write lock; on PostgreSQL an advisory lock on each
 * bucket and key, taken in one order so that two such transactions can't wait for each other), so
 * concurrent requests, in any process or on any app server, can't both spend the last attempt.
 * One transaction, not one per counter: each costs a BEGIN IMMEDIATE and COMMIT (and on PostgreSQL
 * two more round trips), and the counters of one attempt belong together. Results in input order.
 */
export async function updateRateLimits<R>(updates: ReadonlyArray<RateLimitUpdate<R>>): Promise<R[]> {
  return writeTransaction(
    function* (tx) {
      const results: R[] = [];
      for (const { bucket, key, next } of updates) {
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
        results.push(result);
      }
      return results;
    },
    { lock: updates.map(({ bucket, key }) => `rate-limit:${bucket}:${key}`) },
  );
}

export async function updateRateLimit<R>(bucket: string, key: string, next: RateLimitUpdate<R>["next"]): Promise<R> {
  const [result] = await updateRateLimits([{ bucket, key, next }]);
  return result;
}

/** One counter as stored (for showing where it stands; spending goes through updateRateLimit). */
export async function findRateLimit(bucket: string, key: string): Promise<RateLimitRow | undefined> {
  const [row] = await (await getDb()).select().from(rateLimits).where(and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key)));
  return row;
}

export async function deleteRateLimit(bucket: string, key: string): Promise<void> {
  await updateRateLimit(bucket, key, () => ({ row: null, result: undefined }));
}
