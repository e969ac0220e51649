#!/usr/bin/env node
// `npm test`: unit tests, production build, then the browser suite against that build.
// Stops at the first failing stage and exits non-zero. Args after `--` go to Playwright:
//   npm test -- e2e/smoke.spec.ts
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

ensureChromium();

// (The env var hides Vite's notice that an ESM vitest.config.ts is loaded as CommonJS: harmless.)
stopIfFailed(
  "unit",
  await run("unit", bin("vitest"), ["run", "--passWithNoTests"], { VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" }),
);

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

const port = process.env.E2E_PORT || String(await freePort());
console.log(`\ne2e server port: ${port}`);
const e2eCode = await run("e2e", bin("playwright"), ["test", ...playwrightArgs], {
  E2E_PORT: port,
  NEXT_TELEMETRY_DISABLED: "1",
});
stopIfFailed("e2e", e2eCode);

summary(null);
