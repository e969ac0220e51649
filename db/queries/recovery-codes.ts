import "server-only";
import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { getDb, writeTransaction, type Db } from "@/db/client";
import { recoveryCodeSets, recoveryCodes } from "@/db/schema";

export type RecoveryCodeSetRow = typeof recoveryCodeSets.$inferSelect;
export type RecoveryCodeRow = typeof recoveryCodes.$inferSelect;
export type NewRecoveryCode = Omit<RecoveryCodeRow, "setId" | "usedAt">;

/**
 * Stores a freshly generated set as pending (not yet valid). Any earlier pending set of the user
 * goes in the same transaction: only the set on screen right now can ever be confirmed.
 */
export async function replacePendingRecoveryCodeSet(
  set: Pick<RecoveryCodeSetRow, "id" | "userId" | "sessionId" | "createdAt">,
  codes: readonly NewRecoveryCode[],
): Promise<void> {
  writeTransaction((tx) => {
    tx.delete(recoveryCodeSets)
      .where(and(eq(recoveryCodeSets.userId, set.userId), eq(recoveryCodeSets.status, "pending")))
      .run();
    tx.insert(recoveryCodeSets).values({ ...set, status: "pending", confirmedAt: null }).run();
    tx.insert(recoveryCodes)
      .values(codes.map((code) => ({ ...code, setId: set.id, usedAt: null })))
      .run();
  });
}

export async function deletePendingRecoveryCodeSets(userId: string, sessionId: string): Promise<number> {
  return getDb()
    .delete(recoveryCodeSets)
    .where(
      and(eq(recoveryCodeSets.userId, userId), eq(recoveryCodeSets.status, "pending"), eq(recoveryCodeSets.sessionId, sessionId)),
    )
    .run().changes;
}

export async function deletePendingRecoveryCodeSet(userId: string, sessionId: string, setId: string): Promise<number> {
  return getDb()
    .delete(recoveryCodeSets)
    .where(
      and(
        eq(recoveryCodeSets.id, setId),
        eq(recoveryCodeSets.userId, userId),
        eq(recoveryCodeSets.status, "pending"),
        eq(recoveryCodeSets.sessionId, sessionId),
      ),
    )
    .run().changes;
}

/** Every set, pending or active; their codes go with them (ON DELETE CASCADE). */
export async function deleteAllRecoveryCodeSets(userId: string): Promise<number> {
  return getDb().delete(recoveryCodeSets).where(eq(recoveryCodeSets.userId, userId)).run().changes;
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
  return writeTransaction((tx): ActivateOutcome => {
    const pending = tx
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
      )
      .get();
    if (!pending) return { activated: false };
    const replaced = tx
      .delete(recoveryCodeSets)
      .where(and(eq(recoveryCodeSets.userId, input.userId), eq(recoveryCodeSets.status, "active")))
      .run().changes;
    tx.update(recoveryCodeSets)
      .set({ status: "active", confirmedAt: input.now, sessionId: null })
      .where(eq(recoveryCodeSets.id, input.setId))
      .run();
    return { activated: true, replacedPrevious: replaced > 0 };
  });
}

export interface ClaimInput {
  userId: string;
  codeHash: string;
  keyId: string;
  usedAt: Date;
}

/**
 * The single-use guarantee, as one conditional UPDATE: a code is spent only if it is unused and
 * belongs to the user's active set. SQLite runs writers one at a time, so of any number of
 * concurrent requests (or app processes) carrying the same code, exactly one gets a row back.
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
  return claimRecoveryCodeStatement(getDb(), input).get();
}

export async function countUnusedRecoveryCodes(setId: string): Promise<number> {
  const row = getDb()
    .select({ count: sql<number>`count(*)` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.setId, setId), isNull(recoveryCodes.usedAt)))
    .get();
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
  const set = getDb()
    .select({ id: recoveryCodeSets.id, createdAt: recoveryCodeSets.createdAt, confirmedAt: recoveryCodeSets.confirmedAt })
    .from(recoveryCodeSets)
    .where(and(eq(recoveryCodeSets.userId, userId), eq(recoveryCodeSets.status, "active")))
    .get();
  if (!set) return undefined;
  const codes = getDb()
    .select({ position: recoveryCodes.position, usedAt: recoveryCodes.usedAt })
    .from(recoveryCodes)
    .where(eq(recoveryCodes.setId, set.id))
    .orderBy(asc(recoveryCodes.position))
    .all();
  return { ...set, codes };
}

/** Cheap check for the sign-in step's method list: an active set with a code left. */
export async function hasUnusedRecoveryCode(userId: string): Promise<boolean> {
  const row = getDb()
    .select({ one: sql<number>`1` })
    .from(recoveryCodes)
    .innerJoin(recoveryCodeSets, eq(recoveryCodeSets.id, recoveryCodes.setId))
    .where(
      and(eq(recoveryCodeSets.userId, userId), eq(recoveryCodeSets.status, "active"), isNull(recoveryCodes.usedAt)),
    )
    .limit(1)
    .get();
  return row !== undefined;
}
