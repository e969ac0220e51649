// Direct access to the e2e server's database, for what a browser can't do in a test's time: making
// a session old (privileged window, idle timeout), seeding counters, and inspecting what is stored
// at rest. The same specs run against SQLite (the default pass) and PostgreSQL (DATABASE_URL), so
// each statement is written once, in the SQL both understand:
//
// - `?` placeholders; for PostgreSQL they become `$1, $2 …` (toPostgresPlaceholders).
// - Strings in single quotes: PostgreSQL reads "x" as a column name.
// - Upserts as `INSERT … ON CONFLICT (…) DO UPDATE SET c = excluded.c` (not `INSERT OR REPLACE`).
// - Times are epoch-millisecond integers in both, so `col - ?` and `col < ?` mean the same.
// - Booleans (webauthn_credentials.is_passkey, backed_up) read back as 0/1 from SQLite and
//   false/true from PostgreSQL. Compare them in SQL (`WHERE is_passkey = ?` with a JS boolean:
//   SQLite gets 1/0) or select `CASE WHEN is_passkey THEN 1 ELSE 0 END` to read a number in both.
// - `count(*)` and bigint columns are JS numbers in both (node-postgres' default is a string).
import Database from "better-sqlite3";
import pg from "pg";
import { e2eEnv } from "./env";

export type SqlParam = string | number | bigint | boolean | Buffer | null;

export type Dialect = "sqlite" | "postgres";

export function testDialect(): Dialect {
  return e2eEnv().databaseUrl ? "postgres" : "sqlite";
}

/**
 * `?` placeholders to PostgreSQL's numbered ones. A `?` inside a quoted string, a quoted name or a
 * comment is text, not a parameter. (Dollar-quoted and E'' strings are PostgreSQL-only, so they
 * never appear in SQL written for both.)
 */
export function toPostgresPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // A doubled quote inside ('it''s') ends the span and starts the next one: the same text.
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "?") {
      out += `$${++n}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

let sqlite: Database.Database | undefined;

function sqliteDb(): Database.Database {
  if (!sqlite) {
    sqlite = new Database(e2eEnv().databasePath);
    // The app server writes at the same time: wait for its lock instead of failing at once.
    sqlite.pragma("busy_timeout = 5000");
  }
  return sqlite;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

let pool: pg.Pool | undefined;

function postgresPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({
      connectionString: e2eEnv().databaseUrl,
      max: 2,
      // A Playwright worker ends when its tests do; an idle pool must not keep it alive.
      allowExitOnIdle: true,
      connectionTimeoutMillis: 5_000,
      // int8 (count(*), the time columns) and numeric (sum of int8) as numbers, as SQLite gives them.
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // The cluster stops with the e2e server, possibly while this worker still holds an idle
    // connection: without a listener node-postgres would raise that as an uncaught error.
    pool.on("error", () => {});
  }
  return pool;
}

/** better-sqlite3 binds no JS booleans; SQLite stores them as 0/1. */
const sqliteParams = (params: SqlParam[]) => params.map((p) => (typeof p === "boolean" ? Number(p) : p));

/** The first row of a query, or undefined. */
export async function sqlGet<T = Record<string, unknown>>(sql: string, ...params: SqlParam[]): Promise<T | undefined> {
  if (testDialect() === "sqlite") return sqliteDb().prepare(sql).get(...sqliteParams(params)) as T | undefined;
  const result = await postgresPool().query(toPostgresPlaceholders(sql), params);
  return result.rows[0] as T | undefined;
}

/** Every row of a query. */
export async function sqlAll<T = Record<string, unknown>>(sql: string, ...params: SqlParam[]): Promise<T[]> {
  if (testDialect() === "sqlite") return sqliteDb().prepare(sql).all(...sqliteParams(params)) as T[];
  const result = await postgresPool().query(toPostgresPlaceholders(sql), params);
  return result.rows as T[];
}

/** Runs a statement that returns no rows; resolves to the number of rows it changed. */
export async function sqlRun(sql: string, ...params: SqlParam[]): Promise<number> {
  if (testDialect() === "sqlite") return sqliteDb().prepare(sql).run(...sqliteParams(params)).changes;
  const result = await postgresPool().query(toPostgresPlaceholders(sql), params);
  return result.rowCount ?? 0;
}

/** Moves a session's last full authentication `seconds` into the past. */
export async function ageAuthentication(sessionId: string, seconds: number): Promise<void> {
  expectOneSession(await sqlRun("UPDATE sessions SET authenticated_at = authenticated_at - ? WHERE id = ?", seconds * 1000, sessionId), sessionId);
}

/** Moves a session's last activity `seconds` into the past (idle timeout). */
export async function ageActivity(sessionId: string, seconds: number): Promise<void> {
  expectOneSession(await sqlRun("UPDATE sessions SET last_seen_at = last_seen_at - ? WHERE id = ?", seconds * 1000, sessionId), sessionId);
}

/** Aging a session that isn't there would let the test go on to check a window never crossed. */
function expectOneSession(changed: number, sessionId: string): void {
  if (changed !== 1) throw new Error(`no session ${sessionId} to age (${changed} rows changed)`);
}

export async function securityEventTypes(email: string): Promise<string[]> {
  const rows = await sqlAll<{ type: string }>("SELECT e.type FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? ORDER BY e.id", email);
  return rows.map((row) => row.type);
}

/** Closes the connection (a test file that opened it; Playwright workers just exit). */
export async function closeTestDb(): Promise<void> {
  sqlite?.close();
  sqlite = undefined;
  const open = pool;
  pool = undefined;
  await open?.end();
}
