import "server-only";
import { and, asc, count, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { getDb, rowsAffected, step, writeTransaction, type Db } from "@/db/client";
import { recoveryCodeSets, recoveryCodes } from "@/db/schema";

export type RecoveryCodeSetRow = typeof recoveryCodeSets.$inferSelect;
export type RecoveryCodeRow = typeof recoveryCodes.$inferSelect;
export type NewRecoveryCode = Omit<RecoveryCodeRow, "setId" | "usedAt">;

/**
 * Stores a freshly generated set as pending (not yet valid). Any earlier pending set of the user
 * goes in the same transaction: only the set on screen right now can ever be confirmed. Every
 * change to a user's sets takes the same lock, so two of them never interleave.
 */
export async function replacePendingRecoveryCodeSet(
  set: Pick<RecoveryCodeSetRow, "id" | "userId" | "sessionId" | "createdAt">,
  codes: readonly NewRecoveryCode[],
): Promise<void> {
  await writeTransaction(
    function* (tx) {
      yield* step(
        tx.delete(recoveryCodeSets).where(and(eq(recoveryCodeSets.userId, set.userId), eq(recoveryCodeSets.status, "pending"))),
      );
      yield* step(tx.insert(recoveryCodeSets).values({ ...set, status: "pending", confirmedAt: null }));
      yield* step(tx.insert(recoveryCodes).values(codes.map((code) => ({ ...code, setId: set.id, usedAt: null }))));
    },
    { lock: setsLock(set.userId) },
  );
}

const setsLock = (userId: string) => `recovery-code-sets:${userId}`;

export async function deletePendingRecoveryCodeSets(userId: string, sessionId: string): Promise<number> {
  const result = await (await getDb())
    .delete(recoveryCodeSets)
    .where(
      and(eq(recoveryCodeSets.userId, userId), eq(recoveryCodeSets.status, "pending"), eq(recoveryCodeSets.sessionId, sessionId)),
    );
  return rowsAffected(result);
}

export async function deletePendingRecoveryCodeSet(userId: string, sessionId: string, setId: string): Promise<number> {
  const result = await (await getDb())
    .delete(recoveryCodeSets)
    .where(
      and(
        eq(recoveryCodeSets.id, setId),
        eq(recoveryCodeSets.userId, userId),
        eq(recoveryCodeSets.status, "pending"),
        eq(recoveryCodeSets.sessionId, sessionId),
      ),
    );
  return rowsAffected(result);
}

/** Every set, pending or active; their codes go with them (ON DELETE CASCADE). */
export async function deleteAllRecoveryCodeSets(userId: string): Promise<number> {
  return rowsAffected(await (await getDb()).delete(recoveryCodeSets).where(eq(recoveryCodeSets.userId, userId)));
}

export type ActivateOutcome = { activated: false } | { activated: true; replacedPrevious: boolean };

/**
 * Makes a pending set the account's valid set, in ONE write transaction: the old active set is
 * deleted and the pending one promoted together, so at no moment are there two valid sets or none
 * (the partial unique index `recovery_code_sets_one_active` backs this up). Only the session the
 * codes were shown to may confirm them, and only while they are younger than `createdAfter`.
 */
export async function activateRecoveryCodeSet(input: {
  userId: string;
  setId: string;
  sessionId: string;
  createdAfter: Date;
  now: Date;
}): Promise<ActivateOutcome> {
  return writeTransaction(
    function* (tx): Generator<PromiseLike<unknown>, ActivateOutcome, unknown> {
      const pending = yield* step(
        tx
          .select({ id: recoveryCodeSets.id })
          .from(recoveryCodeSets)
          .where(
            and(
              eq(recoveryCodeSets.id, input.setId),
              eq(recoveryCodeSets.userId, input.userId),
              eq(recoveryCodeSets.status, "pending"),
              eq(recoveryCodeSets.sessionId, input.sessionId),
              gt(recoveryCodeSets.createdAt, input.createdAfter),
            ),
          ),
      );
      if (pending.length === 0) return { activated: false };
      const replaced = yield* step(
        tx
          .delete(recoveryCodeSets)
          .where(and(eq(recoveryCodeSets.userId, input.userId), eq(recoveryCodeSets.status, "active")))
          .returning({ id: recoveryCodeSets.id }),
      );
      yield* step(
        tx
          .update(recoveryCodeSets)
          .set({ status: "active", confirmedAt: input.now, sessionId: null })
          .where(eq(recoveryCodeSets.id, input.setId)),
      );
      return { activated: true, replacedPrevious: replaced.length > 0 };
    },
    { lock: setsLock(input.userId) },
  );
}

export interface ClaimInput {
  userId: string;
  codeHash: string;
  keyId: string;
  usedAt: Date;
}

/**
 * The single-use guarantee, as one conditional UPDATE: a code is spent only if it is unused and
 * belongs to the user's active set. Of any number of concurrent requests (app processes, app
 * servers) carrying the same code, exactly one gets a row back: SQLite runs writers one at a time,
 * and PostgreSQL re-checks `used_at IS NULL` once the first writer's row lock is released.
 * Exported separately so tests can run this exact statement from several connections at once.
 */
export function claimRecoveryCodeStatement(db: Db, input: ClaimInput) {
  const activeSetOfUser = db
    .select({ id: recoveryCodeSets.id })
    .from(recoveryCodeSets)
    .where(and(eq(recoveryCodeSets.userId, input.userId), eq(recoveryCodeSets.status, "active")));
  return db
    .update(recoveryCodes)
    .set({ usedAt: input.usedAt })
    .where(
      and(
        eq(recoveryCodes.codeHash, input.codeHash),
        eq(recoveryCodes.keyId, input.keyId),
        isNull(recoveryCodes.usedAt),
        inArray(recoveryCodes.setId, activeSetOfUser),
      ),
    )
    .returning({ setId: recoveryCodes.setId, position: recoveryCodes.position });
}

export async function claimRecoveryCode(input: ClaimInput): Promise<{ setId: string; position: number } | undefined> {
  const [claimed] = await claimRecoveryCodeStatement(await getDb(), input);
  return claimed;
}

export async function countUnusedRecoveryCodes(setId: string): Promise<number> {
  const [row] = await (await getDb())
    .select({ count: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.setId, setId), isNull(recoveryCodes.usedAt)));
  return row?.count ?? 0;
}

export interface ActiveRecoveryCodeSet {
  id: string;
  createdAt: Date;
  confirmedAt: Date | null;
  /** Position and use only: hashes never leave this module except to be compared in SQL. */
  codes: Array<{ position: number; usedAt: Date | null }>;
}

export async function findActiveRecoveryCodeSet(userId: string): Promise<ActiveRecoveryCodeSet | undefined> {
  const db = await getDb();
  const [set] = await db
    .select({ id: recoveryCodeSets.id, createdAt: recoveryCodeSets.createdAt, confirmedAt: recoveryCodeSets.confirmedAt })
    .from(recoveryCodeSets)
    .where(and(eq(recoveryCodeSets.userId, userId), eq(recoveryCodeSets.status, "active")));
  if (!set) return undefined;
  const codes = await db
    .select({ position: recoveryCodes.position, usedAt: recoveryCodes.usedAt })
    .from(recoveryCodes)
    .where(eq(recoveryCodes.setId, set.id))
    .orderBy(asc(recoveryCodes.position));
  return { ...set, codes };
}

/** Cheap check for the sign-in step's method list: an active set with a code left. */
export async function hasUnusedRecoveryCode(userId: string): Promise<boolean> {
  const [row] = await (await getDb())
    .select({ one: sql<number>`1` })
    .from(recoveryCodes)
    .innerJoin(recoveryCodeSets, eq(recoveryCodeSets.id, recoveryCodes.setId))
    .where(
      and(eq(recoveryCodeSets.userId, userId), eq(recoveryCodeSets.status, "active"), isNull(recoveryCodes.usedAt)),
    )
    .limit(1);
  return row !== undefined;
}
