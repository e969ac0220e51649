import "server-only";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { getDbConfig } from "@/db/config";
import * as schema from "@/db/schema";

/**
 * The one SQLite connection of this process. better-sqlite3 is synchronous: a query on an indexed
 * key costs microseconds and never touches libuv's thread pool, which is kept for password hashing.
 * Only modules under db/ import this; the rest of the app calls db/queries/*.
 */
export type Db = BetterSQLite3Database<typeof schema>;

const globalForDb = globalThis as unknown as { twofoldDb?: { db: Db; sqlite: Database.Database } };

function open(): { db: Db; sqlite: Database.Database } {
  const file = path.resolve(getDbConfig().DATABASE_PATH);
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Several app processes may share the file: wait for a writer instead of failing at once.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  migrateWithRetry(db);
  return { db, sqlite };
}

function migrateWithRetry(db: Db) {
  const migrationsFolder = path.join(process.cwd(), "db", "migrations");
  // Two processes starting together may both see the same pending migration; the loser fails on
  // "already exists" after the winner commits, and a second pass then finds nothing to do.
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
    }
  }
}

export function getDb(): Db {
  globalForDb.twofoldDb ??= open();
  return globalForDb.twofoldDb.db;
}

/** Runs `fn` in one write transaction (BEGIN IMMEDIATE: the write lock is taken up front). */
export function writeTransaction<T>(fn: (tx: Db) => T): T {
  const db = getDb();
  return db.transaction((tx) => fn(tx as unknown as Db), { behavior: "immediate" });
}
