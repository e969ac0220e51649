// Where the e2e server keeps its state. scripts/e2e-server.mjs writes this file when Playwright
// starts it (after Playwright has cleared test-results/), so it is only readable from inside tests.
import { readFileSync } from "node:fs";
import path from "node:path";

export interface E2EEnv {
  /** The server's temp dir; removed when the server stops. */
  dataDir: string;
  /** The SQLite file the server uses (DATABASE_PATH), in the SQLite pass. */
  databasePath: string;
  /** In the PostgreSQL pass: the database every app server uses (DATABASE_URL), and the cluster's data dir. */
  databaseUrl?: string;
  postgresDataDir?: string;
  /** The app servers behind the load balancer (PostgreSQL pass), or the one server. */
  appOrigins?: string[];
  /** Where mails are written as .eml files (OUTBOX_DIR). */
  outboxDir: string;
  port: number;
  /** The OpenID Connect provider every app server is configured with (scripts/oidc-provider.mjs). */
  oidcIssuer?: string;
}

let cached: E2EEnv | undefined;

export function e2eEnvFile(): string {
  return process.env.E2E_ENV_FILE || path.resolve("test-results", "e2e-env.json");
}

export function e2eEnv(): E2EEnv {
  if (cached) return cached;
  const file = e2eEnvFile();
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch {
    throw new Error(`${file} is missing: run the specs through Playwright's webServer (npm test / playwright test)`);
  }
  cached = JSON.parse(raw) as E2EEnv;
  return cached;
}

/** The database settings of the e2e server, for another process of the app (extra servers, the admin CLI). */
export function databaseEnv(): Record<string, string> {
  const env = e2eEnv();
  return env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : { DATABASE_PATH: env.databasePath };
}
