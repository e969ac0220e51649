#!/usr/bin/env node
// `npm test`: unit tests (on SQLite, then the dialect-neutral ones again on PostgreSQL), the
// production build, then the browser suite against that build twice: on SQLite with one server,
// and on PostgreSQL with two servers behind nginx (scripts/e2e-server.mjs). Stops at the first
// failing stage and exits non-zero. Args after `--` go to Playwright:
//   npm test -- e2e/smoke.spec.ts
// E2E_DATABASES=sqlite (or postgres) runs one pass only; the default, and CI, run both.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const DEFAULT_CHROMIUM = "/usr/bin/chromium";
// Same test-only secret as scripts/e2e-server.mjs; the build only needs *a* value to be present.
const TEST_AUTH_SECRET = "e2e0".repeat(16);

const playwrightArgs = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
const timings = [];

function fmt(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

function summary(failedStage) {
  console.log("\n── test-all summary ──");
  for (const t of timings) console.log(`  ${t.ok ? "ok  " : "FAIL"} ${t.name.padEnd(12)} ${fmt(t.ms)}`);
  console.log(failedStage ? `\nFAILED at: ${failedStage}` : "\nAll stages passed.");
}

// Run a command with inherited stdio (streamed output); record its time. Resolves with its exit code.
function run(name, cmd, args, env = {}) {
  console.log(`\n▶ ${name}: ${path.basename(cmd)} ${args.join(" ")}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", (err) => {
      console.error(`${name}: could not start ${cmd}: ${err.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  }).then((code) => {
    timings.push({ name, ms: Date.now() - started, ok: code === 0 });
    return code;
  });
}

// Stop at the first failure, with that stage's exit code.
function stopIfFailed(name, code) {
  if (code === 0) return;
  summary(name);
  process.exit(code);
}

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Playwright's browser download does not work here: we use Debian's Chromium. Check up front so a
// missing browser fails in a second, not after the build.
function ensureChromium() {
  const exe = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (isExecutable(exe)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  // Installing only helps when the expected path is the Debian package's.
  if (exe === DEFAULT_CHROMIUM && isRoot) {
    console.log(`Chromium not found at ${exe}; installing Debian's chromium with apt-get (running as root)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const r = spawnSync("sh", ["-c", "apt-get update -qq && apt-get install -y -qq chromium"], {
      stdio: "inherit",
      env,
    });
    if (r.status === 0 && isExecutable(exe)) return;
    console.error("apt-get could not install chromium.");
  }
  console.error(
    `\nNo Chromium at ${exe}. The e2e tests use the system browser, not Playwright's download.\n` +
      `Install it:   sudo apt-get update && sudo apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at a Chromium/Chrome binary. (Do not run \`npx playwright install\`.)`,
  );
  process.exit(1);
}

// Ask the OS for a free port (listen on 0) so parallel runs / a dev server on 3000 don't collide.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// PostgreSQL and nginx are Debian packages too; installed the same way when missing.
function ensurePackage(label, present, pkg) {
  if (present()) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) {
    console.log(`${label} not found; installing Debian's ${pkg} with apt-get (running as root)…`);
    const r = spawnSync("sh", ["-c", `apt-get update -qq && apt-get install -y -qq ${pkg}`], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (r.status === 0 && present()) return;
  }
  console.error(`\n${label} is needed by the PostgreSQL pass: sudo apt-get install -y ${pkg} (or E2E_DATABASES=sqlite).`);
  process.exit(1);
}

const passes = (process.env.E2E_DATABASES || "sqlite,postgres").split(",").map((p) => p.trim()).filter(Boolean);
if (passes.some((p) => p !== "sqlite" && p !== "postgres")) {
  console.error(`E2E_DATABASES must list sqlite and/or postgres, not ${process.env.E2E_DATABASES}`);
  process.exit(2);
}

ensureChromium();
if (passes.includes("postgres")) {
  const hasPostgres = () => spawnSync("sh", ["-c", "ls /usr/lib/postgresql/*/bin/initdb"], { stdio: "ignore" }).status === 0;
  ensurePackage("PostgreSQL", hasPostgres, "postgresql");
  ensurePackage("nginx", () => isExecutable("/usr/sbin/nginx"), "nginx");
}

// (The env var hides Vite's notice that an ESM vitest.config.ts is loaded as CommonJS: harmless.)
stopIfFailed(
  "unit",
  await run("unit", bin("vitest"), ["run", "--passWithNoTests"], { VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" }),
);

if (passes.includes("postgres")) {
  stopIfFailed(
    "unit (pg)",
    await run("unit (pg)", bin("vitest"), ["run", "--config", "vitest.postgres.config.mts"], { VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" }),
  );
}

// The module that opens SQLite is loaded during `next build`: give it a throwaway DB path so the
// build never creates or migrates data/twofold.db in the repo.
const buildDir = mkdtempSync(path.join(tmpdir(), "twofold-build-"));
const buildCode = await run("build", bin("next"), ["build"], {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_PATH: path.join(buildDir, "build.db"),
  AUTH_SECRET: TEST_AUTH_SECRET,
});
rmSync(buildDir, { recursive: true, force: true });
stopIfFailed("build", buildCode);

for (const database of passes) {
  const port = process.env.E2E_PORT || String(await freePort());
  const name = database === "sqlite" ? "e2e" : "e2e (pg)";
  console.log(`\n${name}: ${database === "sqlite" ? "one server" : "PostgreSQL, two servers behind nginx"} on port ${port}`);
  const code = await run(name, bin("playwright"), ["test", ...playwrightArgs], {
    E2E_PORT: port,
    E2E_DATABASE: database,
    NEXT_TELEMETRY_DISABLED: "1",
  });
  stopIfFailed(name, code);
}

summary(null);
