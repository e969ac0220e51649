import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

/**
 * Points this test file at a database of its own, before the app's modules are imported: a temp
 * SQLite file, or, in the PostgreSQL pass (vitest.postgres.config.mts), a new database in the
 * run's cluster. Test files run in parallel, each on its own database.
 */
export async function useFreshDatabase(label: string): Promise<"sqlite" | "postgres"> {
  const clusterUrl = process.env.TWOFOLD_TEST_DIALECT === "postgres" ? inject("postgresUrl") : undefined;
  if (!clusterUrl) {
    process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), `twofold-${label}-`)), "test.db");
    delete process.env.DATABASE_URL;
    return "sqlite";
  }
  const name = `t_${label.replace(/\W/g, "_")}_${process.pid}_${Date.now()}`.toLowerCase();
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  return "postgres";
}
