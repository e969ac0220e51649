import "server-only";
import Database from "better-sqlite3";
import { is, sql } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { SQLiteDeleteBase, SQLiteInsertBase, SQLiteUpdateBase } from "drizzle-orm/sqlite-core";
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { databaseDialect, getDbConfig, type Dialect } from "@/db/config";
import { describeDatabaseError, isConfigurationError } from "@/db/errors";
import { databaseIsDown, noteDatabaseFailure, noteDatabaseUp, setDatabaseProbe } from "@/db/health";
import * as postgresSchema from "@/db/schema/postgres";
import * as sqliteSchema from "@/db/schema/sqlite";

/**
 * The database of this process: an embedded SQLite file (the default), or a PostgreSQL pool when
 * DATABASE_URL is set. Queries are written once against the tables of db/schema.ts and typed as
 * PostgreSQL's (see there); only modules under db/ import this.
 *
 * SQLite (better-sqlite3) is synchronous: a query on an indexed key costs microseconds and never
 * touches libuv's thread pool, which is kept for password hashing. PostgreSQL runs over a pool of
 * connections, so several app servers can share one database.
 */
export type Db = NodePgDatabase<typeof postgresSchema>;

type Opened =
  | { dialect: "sqlite"; db: Db; sqlite: Database.Database }
  | { dialect: "postgres"; db: Db; pool: pg.Pool };

const globalForDb = globalThis as unknown as { twofoldDb?: Opened; twofoldDbOpening?: Promise<Opened> };

function migrationsFolder(dialect: Dialect): string {
  return path.join(process.cwd(), "db", "migrations", dialect);
}

function openSqlite(): Opened {
  const file = path.resolve(getDbConfig().DATABASE_PATH);
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Several app processes may share the file: wait for a writer instead of failing at once.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  reuseStatements(sqlite);
  const db = drizzleSqlite(sqlite, { schema: sqliteSchema });
  // Two processes starting together may both see the same pending migration; the loser fails on
  // "already exists" after the winner commits, and a second pass then finds nothing to do.
  for (let attempt = 1; ; attempt++) {
    try {
      migrateSqlite(db, { migrationsFolder: migrationsFolder("sqlite") });
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
    }
  }
  return { dialect: "sqlite", db: db as unknown as Db, sqlite };
}

/** Distinct statement texts kept compiled; the app has about a hundred, bulk `IN (…)` lists add more. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Drizzle asks better-sqlite3 to compile (sqlite3_prepare) every statement it runs, each time,
 * although the app sends the same hundred or so texts over and over: parsing and planning them was
 * a visible share of a sign-in step's CPU. Compiled statements are kept here by their SQL text
 * (values are bound per run, so nothing of one request stays in them), least recently used first
 * out. Safe to share: better-sqlite3 runs a statement to completion in one synchronous call, and
 * Drizzle never iterates one lazily. Drizzle switches a statement into array rows (`raw()`) for
 * some calls and expects objects for others, so each checkout starts in object mode again.
 * SQLite recompiles a kept statement by itself after a schema change (migrations).
 */
export function reuseStatements(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE): void {
  const compile = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (statement) {
      kept.delete(source); // re-inserted below: the Map's order is the recency order
      if (statement.reader) statement.raw(false);
    } else {
      statement = compile(source);
      if (kept.size >= size) kept.delete(kept.keys().next().value!);
    }
    kept.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/** Any fixed number: every app server takes the same advisory lock around its migrations. */
const MIGRATION_LOCK = 0x7466_6d67;

/**
 * A migrated PostgreSQL database of its own, outside this process's getDb() (the SQLite-to-
 * PostgreSQL copy, db/copy-to-postgres.ts): the caller ends the pool.
 */
export async function openPostgresDatabase(url: string): Promise<{ db: Db; pool: pg.Pool }> {
  const opened = await openPostgres(url);
  if (opened.dialect !== "postgres") throw new Error("unreachable");
  return { db: opened.db, pool: opened.pool };
}

async function openPostgres(url: string): Promise<Opened> {
  const { DATABASE_POOL_SIZE } = getDbConfig();
  const pool = new pg.Pool({
    connectionString: url,
    max: DATABASE_POOL_SIZE,
    // Never hang a request on a database that doesn't answer: fail it, and say so (db/errors.ts).
    connectionTimeoutMillis: 5_000,
    query_timeout: 15_000,
    idleTimeoutMillis: 30_000,
    application_name: "twofold",
  });
  // An idle connection dropped by the server (restart, failover) is replaced on the next checkout;
  // without a listener node-postgres would raise it as an uncaught error and end the process.
  pool.on("error", (error) => {
    console.error(`[db] idle PostgreSQL connection lost: ${describeDatabaseError(error)}`);
    noteDatabaseFailure(error);
  });
  watchFailures(pool);
  // Migrations run on one connection holding a session-level advisory lock: of several servers
  // starting at once, one migrates while the others wait, then find nothing left to do.
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: migrationsFolder("postgres") });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  return { dialect: "postgres", db: drizzlePg(pool, { schema: postgresSchema }), pool };
}

/** Every statement and checkout of the pool reports a failure to reach the server (db/health.ts). */
function watchFailures(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  const watch = (result: unknown) => {
    if (result instanceof Promise) result.catch(noteDatabaseFailure);
    return result;
  };
  pool.query = ((...args: unknown[]) => watch(query(...args))) as typeof pool.query;
  pool.connect = ((...args: unknown[]) => watch(connect(...args))) as typeof pool.connect;
}

async function open(): Promise<Opened> {
  const { DATABASE_URL } = getDbConfig();
  if (!DATABASE_URL) return openSqlite();
  try {
    return await openPostgres(DATABASE_URL);
  } catch (error) {
    noteDatabaseFailure(error);
    if (isConfigurationError(error)) {
      throw new DatabaseConfigurationError(`PostgreSQL refused the connection settings in DATABASE_URL: ${describeDatabaseError(error)}`, { cause: error });
    }
    throw error;
  }
}

/** DATABASE_URL names a user, password or database the server refuses: retrying won't help. */
export class DatabaseConfigurationError extends Error {}

const PROBE_INTERVAL_MS = 1_000;

/** While the database is down, one cheap statement a second finds out when it is back. */
function probeUntilUp(): void {
  const timer = setInterval(() => {
    void (async () => {
      try {
        const db = await getDb();
        await db.execute(sql`SELECT 1`);
        noteDatabaseUp();
      } catch {
        // still down: noteDatabaseFailure has the latest reason
      }
      if (!databaseIsDown()) clearInterval(timer);
    })();
  }, PROBE_INTERVAL_MS);
  timer.unref();
}
setDatabaseProbe(probeUntilUp);

/**
 * The database, opened and migrated on first use. A failed opening (PostgreSQL unreachable) is not
 * remembered: the next call tries again, so the app recovers by itself when the database returns.
 */
export async function getDb(): Promise<Db> {
  const opened = globalForDb.twofoldDb;
  if (opened) return opened.db;
  globalForDb.twofoldDbOpening ??= open().then(
    (result) => {
      globalForDb.twofoldDb = result;
      return result;
    },
    (error: unknown) => {
      globalForDb.twofoldDbOpening = undefined;
      throw error;
    },
  );
  return (await globalForDb.twofoldDbOpening).db;
}

export function currentDialect(): Dialect {
  return databaseDialect();
}

/** Closes the pool or file (the admin CLI, tests); the next getDb() opens it again. */
export async function closeDb(): Promise<void> {
  const opened = globalForDb.twofoldDb;
  globalForDb.twofoldDb = undefined;
  globalForDb.twofoldDbOpening = undefined;
  if (opened?.dialect === "postgres") await opened.pool.end();
  if (opened?.dialect === "sqlite") opened.sqlite.close();
}

/**
 * One step of a transaction body: `const rows = yield* step(tx.select()…)`. A body is a generator
 * so that the same code runs on both drivers: better-sqlite3 allows only synchronous transactions
 * (an `await` inside one would let other requests' statements run in the middle of it on the same
 * connection), so on SQLite each step runs synchronously, and on PostgreSQL it is awaited.
 */
export function* step<T>(statement: PromiseLike<T>): Generator<PromiseLike<T>, T, unknown> {
  return (yield statement) as T;
}

export type TransactionBody<T> = (tx: Db) => Generator<PromiseLike<unknown>, T, unknown>;

/**
 * Runs `body` in one write transaction. On SQLite it is BEGIN IMMEDIATE: the write lock is taken up
 * front, so transactions of every process run one at a time. On PostgreSQL (READ COMMITTED) two
 * bodies may interleave; pass `lock` to serialise every transaction that names the same key (a
 * transaction-scoped advisory lock), where a body reads before it writes. Several keys are locked
 * in sorted order, so two transactions that share some of them can't deadlock.
 */
export async function writeTransaction<T>(body: TransactionBody<T>, options: { lock?: string | readonly string[] } = {}): Promise<T> {
  await getDb();
  const opened = globalForDb.twofoldDb!;
  if (opened.dialect === "sqlite") {
    const db = opened.db as unknown as ReturnType<typeof drizzleSqlite>;
    return db.transaction((tx) => drive(body(tx as unknown as Db), runSqliteStep), { behavior: "immediate" });
  }
  return opened.db.transaction(async (tx) => {
    const locks = options.lock === undefined ? [] : typeof options.lock === "string" ? [options.lock] : [...new Set(options.lock)].sort();
    for (const lock of locks) await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${lock}, 0))`);
    return driveAsync(body(tx as unknown as Db));
  });
}

function drive<T>(steps: Generator<PromiseLike<unknown>, T, unknown>, run: (statement: PromiseLike<unknown>) => unknown): T {
  let next = steps.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = run(next.value);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(value);
  }
  return next.value;
}

async function driveAsync<T>(steps: Generator<PromiseLike<unknown>, T, unknown>): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = await next.value;
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(value);
  }
  return next.value;
}

/** What awaiting the statement would give, computed synchronously (as Drizzle's own execute()). */
function runSqliteStep(statement: PromiseLike<unknown>): unknown {
  const sync = statement as unknown as { config?: { returning?: unknown }; all(): unknown; run(): unknown };
  if (typeof sync.all !== "function") throw new TypeError("a SQLite transaction step must be a Drizzle statement of the transaction");
  const isWrite = is(statement, SQLiteInsertBase) || is(statement, SQLiteUpdateBase) || is(statement, SQLiteDeleteBase);
  return isWrite && !sync.config?.returning ? sync.run() : sync.all();
}

const preparedByDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * A statement prepared once per process (per opened database), for the checks every request runs.
 * `name` doubles as PostgreSQL's prepared-statement name, so it must be unique.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = preparedByDb.get(db);
  if (!byName) preparedByDb.set(db, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, build(db));
  return byName.get(name) as T;
}

/**
 * Rows a write without RETURNING changed: node-postgres reports `rowCount`, better-sqlite3
 * `changes`. For bulk deletes, where reading every removed row back would be waste.
 */
export function rowsAffected(result: unknown): number {
  const { rowCount, changes } = result as { rowCount?: number | null; changes?: number };
  return rowCount ?? changes ?? 0;
}

/**
 * Runs `job` unless another process holds the lock of the same name, and says whether it ran. On
 * PostgreSQL a session advisory lock (pg_try_advisory_lock) held on one connection for the whole
 * job: of several app servers, one does the work and the others skip it. SQLite serves processes
 * on one machine only, where jobs (idempotent deletes) may simply overlap.
 */
export async function runExclusively<T>(name: string, job: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
  await getDb();
  const opened = globalForDb.twofoldDb!;
  if (opened.dialect === "sqlite") return { ran: true, result: await job() };
  const client = await opened.pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [name]);
    if (!rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, result: await job() };
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [name]);
    }
  } finally {
    client.release();
  }
}
