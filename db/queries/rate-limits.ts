import "server-only";
import { and, eq } from "drizzle-orm";
import { writeTransaction } from "@/db/client";
import { rateLimits } from "@/db/schema";

export type RateLimitRow = typeof rateLimits.$inferSelect;

/**
 * Read-modify-write of one counter under the database's write lock, so concurrent requests (and
 * several app processes sharing the file) can't both spend the last attempt.
 * `next` returns the row to store, or null to delete it.
 */
export async function updateRateLimit<R>(
  bucket: string,
  key: string,
  next: (current: RateLimitRow | undefined) => { row: RateLimitRow | null; result: R },
): Promise<R> {
  return writeTransaction((tx) => {
    const where = and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key));
    const current = tx.select().from(rateLimits).where(where).get();
    const { row, result } = next(current);
    if (row === null) {
      if (current) tx.delete(rateLimits).where(where).run();
    } else if (current) {
      tx.update(rateLimits).set(row).where(where).run();
    } else {
      tx.insert(rateLimits).values(row).run();
    }
    return result;
  });
}

export async function deleteRateLimit(bucket: string, key: string): Promise<void> {
  await updateRateLimit(bucket, key, () => ({ row: null, result: undefined }));
}
