import path from "node:path";
import { defineConfig } from "@playwright/test";

// Port of the production server the e2e suite drives. scripts/test-all.mjs picks a free one and
// passes it in; 3100 keeps a plain `npx playwright test` away from `next dev` on 3000.
const PORT = Number(process.env.E2E_PORT || 3100);
// `localhost`, not 127.0.0.1: the WebAuthn RP ID is the origin's host name (`localhost`), and a
// mismatching origin makes every passkey ceremony fail.
const BASE_URL = `http://localhost:${PORT}`;

// Debian's Chromium: Playwright's own browser download does not work on this machine kind.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// Where scripts/e2e-server.mjs records its temp data dir (DB file, outbox) for the specs. Set here so
// the server, the runner and its workers (which load this file too) all agree on one absolute path.
const ROOT = typeof __dirname === "string" ? __dirname : process.cwd();
const E2E_ENV_FILE = (process.env.E2E_ENV_FILE ||= path.join(ROOT, "test-results", "e2e-env.json"));

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // One worker and no retries: 2-core machine, the app rate-limits, and a flaky test should show up
  // as a failure rather than be hidden by a retry.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--disable-background-networking", // no internet: avoid background fetches and their delays
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    // Production build (made beforehand by scripts/test-all.mjs) on a fresh temp database.
    command: "node scripts/e2e-server.mjs",
    url: `${BASE_URL}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(PORT), E2E_ENV_FILE },
    // Without this Playwright SIGKILLs the server's process group and the temp dir is never removed.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
