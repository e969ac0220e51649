#!/usr/bin/env node
// Started by Playwright's `webServer` (playwright.config.ts): runs the PRODUCTION build with the
// production server (server.mjs, what `npm start` runs; `next build` is done beforehand by
// scripts/test-all.mjs) against a brand-new database, so every e2e run starts empty and never
// touches data/. Two set-ups, chosen by E2E_DATABASE:
//   sqlite (default)  one app server on E2E_PORT, on a SQLite file in a temp dir;
//   postgres          a throwaway PostgreSQL cluster (scripts/postgres.mjs), two app servers on
//                     private ports, and nginx on E2E_PORT balancing round-robin over them
//                     (scripts/load-balancer.mjs): what a deployment with several servers runs.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startLoadBalancer } from "./load-balancer.mjs";
import { startOidcProvider, TEST_CLIENT } from "./oidc-provider.mjs";
import { startPostgres } from "./postgres.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.E2E_PORT || 3100);
const topology = process.env.E2E_DATABASE === "postgres" ? "postgres" : "sqlite";

const dataDir = mkdtempSync(path.join(tmpdir(), "twofold-e2e-"));
const databasePath = path.join(dataDir, "e2e.db");
const outboxDir = path.join(dataDir, "outbox");
mkdirSync(outboxDir, { recursive: true });

const stops = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const stop of stops.reverse()) await stop().catch((error) => console.error(`[e2e-server] cleanup: ${error.message}`));
  rmSync(dataDir, { recursive: true, force: true });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
}

// The OpenID Connect provider every app server signs in through (scripts/oidc-provider.mjs).
let oidcEnv = {};

function startApp(appPort, env, hostname) {
  const args = [path.join(root, "server.mjs"), "-p", String(appPort), ...(hostname ? ["-H", hostname] : [])];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      OUTBOX_DIR: outboxDir,
      // Fixed test-only secret (production mode requires one); shared by every app server, as in a
      // real deployment: a session made by one is valid on the other.
      AUTH_SECRET: "e2e0".repeat(16),
      // Must equal the browser's origin: WebAuthn checks it and derives the RP ID (`localhost`) from it.
      APP_ORIGIN: `http://localhost:${port}`,
      // Account recovery's wait (72 h by default) cut to a few seconds, so e2e/account-recovery.spec.ts
      // can see it run and end; long enough to see the recovery waiting first. No other spec waits on it.
      ACCOUNT_RECOVERY_DELAY: "8",
      ...oidcEnv,
      ...env,
    },
  });
  // Stopped by a signal (Playwright signals the whole process group) is a normal end; any other exit
  // means a server died under the suite, which then fails.
  child.on("exit", (code, signal) => {
    if (cleaned) return;
    if (!signal) console.error(`[e2e-server] app server on ${appPort} exited with ${code}`);
    void cleanup().then(() => process.exit(signal ? 0 : (code ?? 1)));
  });
  stops.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  );
  return child;
}

const envFile = process.env.E2E_ENV_FILE || path.join(root, "test-results", "e2e-env.json");
mkdirSync(path.dirname(envFile), { recursive: true });

try {
  const oidc = await startOidcProvider({ port: await freePort(), appOrigin: `http://localhost:${port}` });
  stops.push(() => oidc.stop());
  oidcEnv = { OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: TEST_CLIENT.id, OIDC_CLIENT_SECRET: TEST_CLIENT.secret, OIDC_NAME: "Example ID" };
  if (topology === "sqlite") {
    // The test runner plays the one trusted proxy: specs give each simulated client its own
    // address in X-Forwarded-For (e2e/support/fixtures.ts), so per-address limits don't make tests
    // throttle each other. A request without the header has no address (e2e/client-address.spec.ts).
    startApp(port, { DATABASE_PATH: databasePath, TRUSTED_PROXY_HOPS: "1" });
    writeFileSync(envFile, JSON.stringify({ dataDir, databasePath, outboxDir, port, appOrigins: [`http://localhost:${port}`], oidcIssuer: oidc.issuer }, null, 2) + "\n");
  } else {
    const cluster = await startPostgres({ database: "twofold_e2e" });
    stops.push(() => cluster.stop());
    const appPorts = [await freePort(), await freePort()];
    // Behind nginx there are two appending proxies: the test runner (as above) and nginx.
    for (const appPort of appPorts) startApp(appPort, { DATABASE_URL: cluster.url, TRUSTED_PROXY_HOPS: "2" }, "127.0.0.1");
    const appOrigins = appPorts.map((p) => `http://127.0.0.1:${p}`);
    const balancer = await startLoadBalancer({ port, upstreams: appOrigins });
    stops.push(() => balancer.stop());
    writeFileSync(
      envFile,
      JSON.stringify({ dataDir, databasePath, databaseUrl: cluster.url, postgresDataDir: path.join(cluster.dir, "data"), outboxDir, port, appOrigins, oidcIssuer: oidc.issuer }, null, 2) + "\n",
    );
  }
} catch (error) {
  console.error(`[e2e-server] could not start: ${error.message}`);
  await cleanup();
  process.exit(1);
}

// Playwright stops us with SIGTERM to the process group; Ctrl-C sends SIGINT. Stop every server
// and wait for it, so the temp dirs are removed only once nothing writes to them any more.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    void cleanup().then(() => process.exit(0));
  });
}
