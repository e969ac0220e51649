#!/usr/bin/env node
// A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir, a private port on
// 127.0.0.1 (password auth, so a wrong password is refused as in production), stopped and deleted
// afterwards. PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres`
// user that Debian's package creates.
//
//   import { startPostgres } from "./postgres.mjs"; const pg = await startPostgres(); … pg.url … await pg.stop();
//   node scripts/postgres.mjs        # starts one and prints its DATABASE_URL until Ctrl-C
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TEST_USER = "twofold";
export const TEST_PASSWORD = "twofold-test-password";

function binDir() {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((name) => existsSync(path.join(root, name, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(root, versions[0], "bin");
  }
  const found = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (found.status === 0) return found.stdout.trim();
  throw new Error("PostgreSQL's server binaries were not found: apt-get install postgresql (or set PG_BIN_DIR)");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function runAsOwner(owner, command, args) {
  const full = path.join(binDir(), command);
  const [file, argv] = owner ? ["runuser", ["-u", owner, "--", full, ...args]] : [full, args];
  return execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

/** Starts a cluster with one database; resolves to its connection string and a stop function. */
export async function startPostgres({ database = "twofold", port } = {}) {
  const owner = process.getuid?.() === 0 ? "postgres" : undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), "twofold-pg-"));
  const data = path.join(dir, "data");
  const pwfile = path.join(dir, "pwfile");
  writeFileSync(pwfile, `${TEST_PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    const uid = Number(execFileSync("id", ["-u", owner], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", owner], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const listenPort = port ?? (await freePort());
  // Durability is not what these clusters are for: fsync off makes a test run faster.
  const options = `-p ${listenPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => runAsOwner(owner, "pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  try {
    runAsOwner(owner, "initdb", ["-D", data, "-U", TEST_USER, `--pwfile=${pwfile}`, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    start();
    runAsOwner(owner, "psql", ["-h", dir, "-p", String(listenPort), "-U", TEST_USER, "-d", "postgres", "-q", "-c", `CREATE DATABASE ${database}`]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a PostgreSQL test cluster: ${error.stderr || error.message}`);
  }
  const url = `postgres://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${listenPort}/${database}`;
  let stopped = false;
  return {
    url,
    port: listenPort,
    dir,
    /** Stops the server (running statements are cancelled) and deletes the cluster. */
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAsOwner(owner, "pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    /** Stops the server but keeps the cluster, to test an outage; `resume()` starts it again. */
    pause() {
      runAsOwner(owner, "pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    resume: start,
  };
}

// No top-level await: Playwright loads this module from specs through require().
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void startPostgres().then((pg) => {
    console.log(`DATABASE_URL=${pg.url}`);
    const stop = async () => {
      await pg.stop();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    setInterval(() => {}, 1 << 30);
  });
}
