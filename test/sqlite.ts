import type Database from "better-sqlite3";

/**
 * The test process's own SQLite connection (db/client.ts keeps it on globalThis), for seeding rows
 * and reading them back in unit tests. Open it with `await openSqlite()` in a beforeAll.
 */
export async function openSqlite(): Promise<Database.Database> {
  const { getDb } = await import("@/db/client");
  await getDb();
  return rawSqlite();
}

export function rawSqlite(): Database.Database {
  const opened = (globalThis as { twofoldDb?: { sqlite?: Database.Database } }).twofoldDb;
  if (!opened?.sqlite) throw new Error("the test database is not open: await openSqlite() in a beforeAll");
  return opened.sqlite;
}
