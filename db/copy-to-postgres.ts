import "server-only";
import Database from "better-sqlite3";
import { getTableName, gt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { PgTable } from "drizzle-orm/pg-core";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { existsSync } from "node:fs";
import path from "node:path";
import { openPostgresDatabase } from "@/db/client";
import * as postgres from "@/db/schema/postgres";
import * as sqlite from "@/db/schema/sqlite";

/**
 * Moves an install from its SQLite file to PostgreSQL (`npm run admin -- db copy-to-postgres`):
 * every row of every table, in one PostgreSQL transaction, into a database that must be empty.
 * The app must be stopped meanwhile (a row written during the copy would stay behind). The SQLite
 * file is first brought up to the current schema, as the app itself would on start.
 */

/** Parents before children, so every foreign key finds its row. */
const COPY_ORDER = [
  "users",
  "sessions",
  "securityEvents",
  "rateLimits",
  "totpCredentials",
  "webauthnCredentials",
  "webauthnSpentChallenges",
  "recoveryCodeSets",
  "recoveryCodes",
  "mailOutbox",
  "passwordResetTokens",
  "emailTokens",
  "linkedIdentities",
  "accountRecoveries",
] as const satisfies ReadonlyArray<keyof typeof sqlite & keyof typeof postgres>;

const BATCH = 500;

export class CopyRefused extends Error {}

export type CopyReport = Record<string, number>;

function tablesOf(schema: object): string[] {
  return Object.entries(schema)
    .filter(([, value]) => typeof value === "object" && value !== null && getTableName(value as SQLiteTable))
    .map(([key]) => key);
}

export async function copySqliteToPostgres(sqlitePath: string, postgresUrl: string, log: (line: string) => void = () => {}): Promise<CopyReport> {
  // A table added to the schema but not to COPY_ORDER would be left behind without a word.
  const missing = tablesOf(sqlite).filter((name) => !(COPY_ORDER as readonly string[]).includes(name));
  if (missing.length > 0) throw new Error(`copy-to-postgres does not know the tables ${missing.join(", ")}`);

  const file = path.resolve(sqlitePath);
  if (!existsSync(file)) throw new CopyRefused(`no SQLite database at ${file} (DATABASE_PATH)`);
  const source = new Database(file, { fileMustExist: true });
  const target = await openPostgresDatabase(postgresUrl);
  try {
    source.pragma("busy_timeout = 5000");
    const from = drizzle(source, { schema: sqlite });
    migrate(from, { migrationsFolder: path.join(process.cwd(), "db", "migrations", "sqlite") });

    for (const name of COPY_ORDER) {
      const [row] = await target.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(postgres[name] as PgTable);
      if (row!.n > 0) throw new CopyRefused(`the PostgreSQL database is not empty (table ${getTableName(postgres[name])} has rows): copy into a new database`);
    }

    const report: CopyReport = {};
    await target.db.transaction(async (tx) => {
      for (const name of COPY_ORDER) {
        const sourceTable = sqlite[name] as SQLiteTable;
        const targetTable = postgres[name] as PgTable;
        let copied = 0;
        // Keyset pages over SQLite's rowid: constant memory however large the table.
        for (let after = 0; ; ) {
          const page = from
            .select({ rowid: sql<number>`rowid`, row: sourceTable })
            .from(sourceTable)
            .where(gt(sql`rowid`, after))
            .orderBy(sql`rowid`)
            .limit(BATCH)
            .all() as Array<{ rowid: number; row: Record<string, unknown> }>;
          if (page.length === 0) break;
          const rows = page.map((entry) => entry.row);
          // The security log keeps its ids (the export and paging refer to them).
          if (name === "securityEvents") await tx.insert(postgres.securityEvents).overridingSystemValue().values(rows as never);
          else await tx.insert(targetTable).values(rows as never);
          copied += rows.length;
          after = page[page.length - 1]!.rowid;
        }
        report[getTableName(targetTable)] = copied;
        log(`${getTableName(targetTable)}: ${copied} rows`);
      }
      // New events continue after the copied ids.
      await tx.execute(sql`SELECT setval(pg_get_serial_sequence('security_events', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM security_events), false)`);
    });
    return report;
  } finally {
    source.close();
    await target.pool.end();
  }
}
