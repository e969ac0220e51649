#!/usr/bin/env node
// Started by Playwright's `webServer` (playwright.config.ts): runs the PRODUCTION build with the
// production server (server.mjs, what `npm start` runs; `next build` is done beforehand by
// scripts/test-all.mjs) against a brand-new SQLite file in a temp dir, so every e2e run starts
// from an empty database and never touches data/.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.E2E_PORT || 3100);

const dataDir = mkdtempSync(path.join(tmpdir(), "twofold-e2e-"));
const databasePath = path.join(dataDir, "e2e.db");
const outboxDir = path.join(dataDir, "outbox");
mkdirSync(outboxDir, { recursive: true });

// Specs read this (e2e/support/env.ts) to open the DB file or read mails from the outbox.
const envFile = process.env.E2E_ENV_FILE || path.join(root, "test-results", "e2e-env.json");
mkdirSync(path.dirname(envFile), { recursive: true });
writeFileSync(envFile, JSON.stringify({ dataDir, databasePath, outboxDir, port }, null, 2) + "\n");

let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  rmSync(dataDir, { recursive: true, force: true });
}

const child = spawn(process.execPath, [path.join(root, "server.mjs"), "-p", String(port)], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_PATH: databasePath,
    OUTBOX_DIR: outboxDir,
    // Fixed test-only secret (production mode requires one); never used outside this temp DB.
    AUTH_SECRET: "e2e0".repeat(16),
    // Must equal the browser's origin: WebAuthn checks it and derives the RP ID (`localhost`) from it.
    APP_ORIGIN: `http://localhost:${port}`,
    // The test runner plays the one trusted proxy: specs give each simulated client its own address
    // in X-Forwarded-For (e2e/support/fixtures.ts), so per-address limits don't make tests throttle
    // each other. A request without the header has no address (e2e/client-address.spec.ts).
    TRUSTED_PROXY_HOPS: "1",
  },
});

// Playwright stops us with SIGTERM to the process group; Ctrl-C sends SIGINT. Pass it on and wait
// for the server to exit, so the temp dir is removed only once nothing writes to it any more.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on("error", (err) => {
  console.error(`[e2e-server] could not start server.mjs: ${err.message}`);
  cleanup();
  process.exit(1);
});

child.on("exit", (code, signal) => {
  cleanup();
  // A signal-initiated stop is a normal end; anything else is reported with the server's exit code.
  process.exit(signal ? 0 : (code ?? 1));
});

process.on("exit", cleanup);
