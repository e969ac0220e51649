#!/usr/bin/env node
// `npm run bench`: Twofold's production build and a minimal Better Auth server (bench/peer), side
// by side in one run, on fresh databases, driven over HTTP on 127.0.0.1 with autocannon at several
// concurrency levels. Prints a table (Twofold, peer, ratio) and writes bench/results/latest.md and
// latest.json. See docs/benchmarks.md for what each scenario measures. Knobs (environment):
//   BENCH_SECONDS=5          seconds per measured run
//   BENCH_CONCURRENCY=1,8,32 concurrent connections, one run per level
//   BENCH_SCENARIOS=…        subset of signin,totp,recovery,session,settings,mixed
//   BENCH_SOURCE=head        build the last commit (default) or `worktree` (uncommitted files too)
//   BENCH_REUSE_BUILD=1      reuse the previous bench build instead of building again
//   BENCH_PEER=0             Twofold only
//   BENCH_DB=postgres        Twofold on SQLite (one server), on PostgreSQL with one server, and with
//                            two servers behind nginx, side by side (no peer unless BENCH_PEER=1);
//                            DATABASE_POOL_SIZE (default 10) is each server's pool
import { cpus, availableParallelism, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runFigures } from "./lib/figures.mjs";
import { capture, cpuSeconds, MemoryProbe, request, run, sleep } from "./lib/util.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, "..");
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const LEVELS = (process.env.BENCH_CONCURRENCY || "1,8,32").split(",").map(Number).filter((n) => n > 0);
const ALL = ["signin", "totp", "recovery", "session", "settings", "mixed"];
const SCENARIOS = (process.env.BENCH_SCENARIOS || ALL.join(",")).split(",").filter((s) => ALL.includes(s));
const SOURCE = (process.env.BENCH_SOURCE || "head").toLowerCase();
const POSTGRES = (process.env.BENCH_DB || "sqlite").toLowerCase() === "postgres";
const WITH_PEER = process.env.BENCH_PEER ? process.env.BENCH_PEER !== "0" : !POSTGRES;
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE || 10);
const PASSWORD = "bench-Password-7391";
/** The "session checks while sign-ins run" scenario: this many sign-in connections … */
const MIXED_SIGNIN = 32;
/** … and this many connections checking sessions (compared with the same, alone). */
const MIXED_SESSION = 4;

const TITLES = {
  signin: "Password sign-in",
  totp: "TOTP second factor",
  recovery: "Recovery-code second factor",
  session: "GET session (per-request check)",
  settings: "Settings page render",
};

const log = (...a) => console.log("[bench]", ...a);

// ── 1. Dependencies: bench tools and the peer live in their own package.json files. ──────────────
function ensureInstalled(dir, probe) {
  if (existsSync(path.join(dir, "node_modules", probe))) return;
  log(`installing ${path.relative(root, dir) || "."} dependencies…`);
  const ci = existsSync(path.join(dir, "package-lock.json"));
  run("npm", [ci ? "ci" : "install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
}
if (!existsSync(path.join(root, "node_modules", "next"))) {
  console.error("Install the app first: npm install (or npm ci)");
  process.exit(1);
}
ensureInstalled(benchDir, "autocannon");
if (WITH_PEER) ensureInstalled(path.join(benchDir, "peer"), "better-auth");
const { default: autocannon } = await import("autocannon");
const { startTwofold } = await import("./lib/twofold.mjs");
const { startPeer } = WITH_PEER ? await import("./lib/peer.mjs") : {};

// ── 2. The app: a production build in a copy of the tree, so a dev server or a test run in the
//       repo is never disturbed (`next build` rewrites .next). node_modules is hard-linked.
const benchHome = path.join(tmpdir(), "twofold-bench");
const appDir = path.join(benchHome, "app");
const commit = capture("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).trim();
function buildApp() {
  if (process.env.BENCH_REUSE_BUILD === "1" && existsSync(path.join(appDir, ".next", "BUILD_ID"))) {
    log(`reusing the build in ${appDir}`);
    return JSON.parse(readFileSync(path.join(appDir, ".bench-source.json"), "utf8"));
  }
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  let source;
  if (SOURCE === "worktree") {
    // Tracked and untracked files, as `git status` sees them (ignored files left out).
    run("sh", ["-c", `git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "${appDir}"`], { cwd: root });
    const dirty = capture("git", ["status", "--porcelain"], { cwd: root }).trim() !== "";
    source = { source: "worktree", commit: `${commit}${dirty ? "+uncommitted" : ""}` };
  } else {
    run("sh", ["-c", `git archive HEAD | tar -xf - -C "${appDir}"`], { cwd: root });
    source = { source: "HEAD", commit };
  }
  rmSync(path.join(appDir, "bench"), { recursive: true, force: true });
  try {
    run("cp", ["-al", path.join(root, "node_modules"), path.join(appDir, "node_modules")]);
  } catch {
    run("cp", ["-a", path.join(root, "node_modules"), path.join(appDir, "node_modules")]);
  }
  const buildData = mkdtempSync(path.join(tmpdir(), "twofold-bench-build-"));
  log(`building Twofold (${source.source} ${source.commit}) in ${appDir}…`);
  run(path.join(appDir, "node_modules", ".bin", "next"), ["build"], {
    cwd: appDir,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_PATH: path.join(buildData, "build.db"),
      AUTH_SECRET: "bench".repeat(8),
    },
  });
  rmSync(buildData, { recursive: true, force: true });
  writeFileSync(path.join(appDir, ".bench-source.json"), JSON.stringify(source));
  return source;
}
const source = buildApp();

// ── 3. In-process costs: the password hash (the sign-in bound) and each second-factor check. ───
log("micro-benchmarks (password hash, second-factor checks)…");
const micro = { twofold: JSON.parse(capture(process.execPath, [path.join(benchDir, "micro", "twofold.mjs"), appDir], { cwd: benchDir })) };
if (WITH_PEER) micro.peer = JSON.parse(capture(process.execPath, [path.join(benchDir, "peer", "micro.mjs")], { cwd: path.join(benchDir, "peer") }));

// ── 4. Servers. Both run for the whole measurement, idle while the other one is measured, and
//       each scenario/level is measured for Twofold then for the peer, back to back, so both see
//       the same moment of a shared, noisy machine.
const workDir = mkdtempSync(path.join(tmpdir(), "twofold-bench-run-"));
const systems = [];
const stops = [];
async function shutdown() {
  for (const s of systems) await s.stop().catch(() => {});
  for (const stop of stops.splice(0)) await stop().catch(() => {});
}
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
  // A stopped run (Ctrl-C, `timeout`) still stops its servers, nginx and the PostgreSQL cluster.
  process.on(signal, async () => {
    await shutdown();
    process.exit(code);
  });
}

/**
 * One autocannon run. Reusable entries (sessions, password accounts) go round-robin for `seconds`;
 * single-use entries (pending second factors) are seeded to match `amount`, the number of requests
 * the run makes, so none is ever sent twice. Req/s is counted from the responses themselves, over
 * the time from the start to the last response; a run that measured nothing fails (lib/figures.mjs).
 */
async function load(system, scenario, pool, connections, { seconds = SECONDS, amount } = {}) {
  let next = 0;
  let responses = 0;
  let invalid = 0;
  let last = 0;
  const samples = [];
  const take = () => (scenario.reusable ? pool[next++ % pool.length] : pool[Math.min(next++, pool.length - 1)]);
  const pids = system.pids ?? [system.pid];
  const others = Object.entries(system.otherCpu ?? {});
  const cpu0 = cpuSeconds(pids);
  const other0 = others.map(([, pid]) => cpuSeconds(pid));
  const started = performance.now();
  const result = await new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${system.port}`,
        connections,
        pipelining: 1,
        timeout: 30,
        ...(amount ? { amount } : { duration: seconds }),
        requests: [
          {
            setupRequest: () => scenario.build(take()),
            onResponse: (status, body, _ctx, headers) => {
              responses++;
              last = performance.now();
              const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
              const problem = scenario.validate(status, h, body ?? "");
              if (problem) {
                invalid++;
                if (samples.length < 3) samples.push(problem);
              }
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  const ended = performance.now();
  const cpu = cpuSeconds(pids) - cpu0;
  const other = Object.fromEntries(others.map(([role, pid], i) => [role, responses ? ((cpuSeconds(pid) - other0[i]) * 1000) / responses : null]));
  const { rps, errors, errorSamples, duration } = runFigures({
    responses, invalid, errors: result.errors, timeouts: result.timeouts, started, last, ended, samples,
  });
  return {
    rps,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    errorSamples,
    responses,
    cpuMsPerRequest: responses ? (cpu * 1000) / responses : null,
    // By role (postgres, nginx): the CPU those processes spent per response during the run.
    ...(others.length ? { otherCpuMsPerRequest: other } : {}),
    duration,
  };
}

/** Requests a single-use run makes: about SECONDS at the rate seen so far (at least 20 per connection). */
const rateSeen = new Map();
function plannedRequests(system, name, connections) {
  const rate = rateSeen.get(`${system.name}/${name}`) ?? 100;
  return Math.max(20 * connections, Math.round(SECONDS * rate));
}

async function measure(system, name, connections) {
  const scenario = system.scenarios[name];
  const amount = scenario.reusable ? undefined : plannedRequests(system, name, connections);
  // Single-use pools get a margin: autocannon builds a connection's next request before sending it.
  const pool = await scenario.seed(scenario.reusable ? 400 : amount + 2 * connections + 10);
  if (!Array.isArray(pool)) return { unavailable: pool.unavailable };
  const memory = new MemoryProbe(system.pids ?? system.pid);
  memory.start();
  const r = await load(system, scenario, pool, connections, { amount });
  r.peakRss = memory.stop();
  rateSeen.set(`${system.name}/${name}`, r.rps);
  return r;
}

/** A few requests through the real forms before anything counts: proves the seeded data works. */
async function preflight(system, name) {
  const scenario = system.scenarios[name];
  const pool = await scenario.seed(scenario.reusable ? 8 : 3);
  if (!Array.isArray(pool)) return pool.unavailable;
  const r = await request(system.port, scenario.build(pool[0]));
  const problem = scenario.validate(r.status, r.headers, r.body);
  if (problem) {
    throw new Error(`${system.name} ${name}: the first request failed (${problem}). Server log:\n${system.log().slice(-3000)}`);
  }
  // Warm-up (JIT, caches), not measured; it also gives the first estimate of the rate.
  // Twice: the first pass meets a cold JIT, the second gives a rate worth planning with.
  for (let pass = 0; pass < 2; pass++) {
    const warm = await scenario.seed(scenario.reusable ? 64 : 260);
    const w = await load(system, scenario, warm, 4, { amount: scenario.reusable ? 300 : 240 });
    rateSeen.set(`${system.name}/${name}`, Math.max(w.rps, 20));
    if (w.errors) throw new Error(`${system.name} ${name}: warm-up had ${w.errors} errors: ${w.errorSamples.join("; ")}`);
  }
  return null;
}

/**
 * One request of each scenario, alone, with PostgreSQL logging every statement (log_statement=all
 * for the cluster, after the measurements): how many statements and transactions it costs, each a
 * round trip to the server where SQLite makes an in-process call. after() work (security events
 * written once the response is sent) counts too: the log is read once it has stopped growing.
 */
async function countStatements(system) {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  const setting = async (name, value) => {
    await admin.query(`ALTER SYSTEM SET ${name} = '${value}'`);
    await admin.query("SELECT pg_reload_conf()");
  };
  const logFile = path.join(cluster.dir, "server.log");
  const size = () => statSync(logFile).size;
  const settled = async () => {
    let last = -1;
    for (let stable = 0, i = 0; stable < 5 && i < 100; i++) {
      const now = size();
      stable = now === last ? stable + 1 : 0;
      last = now;
      await sleep(100);
    }
  };
  const database = new URL(cluster.url).pathname.slice(1);
  const counts = [];
  try {
    await setting("log_line_prefix", "%d %a ");
    await setting("log_statement", "all");
    for (const name of SCENARIOS.filter((n) => n !== "mixed")) {
      const scenario = system.scenarios[name];
      const pool = await scenario.seed(scenario.reusable ? 8 : 3);
      if (!Array.isArray(pool)) continue;
      await settled();
      const from = size();
      const r = await request(system.port, scenario.build(pool[0]));
      const problem = scenario.validate(r.status, r.headers, r.body);
      await settled();
      const text = readFileSync(logFile, "utf8").slice(from); // ASCII up to here: offsets are bytes
      const mine = text.split("\n").filter((line) => line.startsWith(`${database} twofold `));
      const sent = mine.filter((line) => /LOG: {2}(statement|execute [^:]*): /.test(line));
      const begins = sent.filter((line) => /: (begin|BEGIN)\s*$/.test(line));
      // The statements themselves (their start) go to latest.json, to see which ones a step sends.
      const texts = sent.map((line) => line.replace(/^.*?LOG: {2}(statement|execute [^:]*): /, "").slice(0, 100));
      counts.push({ scenario: name, statements: sent.length, transactions: begins.length, problem, texts });
      log(`${name.padEnd(8)} one request on ${system.name}: ${sent.length} statements, ${begins.length} transactions${problem ? ` (request failed: ${problem})` : ""}`);
    }
  } finally {
    await setting("log_statement", "none").catch(() => {});
    await admin.end();
  }
  return counts;
}

const results = [];
let mixed = [];
let postgres = null;
let cluster = null;
/** BENCH_DB=postgres: the statements one request of each scenario sends to PostgreSQL. */
let statements = [];
/** Width of the system names in the log lines. */
let W = 11;
try {
  log(`work dir ${workDir}`);
  if (POSTGRES) {
    // One throwaway cluster, a fresh database per system; both systems' servers run against it.
    const { startPostgres } = await import("../scripts/postgres.mjs");
    cluster = await startPostgres({ database: "twofold_bench_one" });
    stops.push(() => cluster.stop());
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("CREATE DATABASE twofold_bench_two");
    const { rows } = await admin.query("SHOW server_version");
    await admin.end();
    const postmaster = Number(readFileSync(path.join(cluster.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    postgres = { version: `PostgreSQL ${rows[0].server_version.split(" ")[0]}`, poolSize: POOL_SIZE };
    log(`PostgreSQL cluster ${cluster.url.replace(/:[^:@/]*@/, ":…@")} (${postgres.version}), pool ${POOL_SIZE} per server`);
    systems.push(await startTwofold({ appDir, workDir, password: PASSWORD, name: "Twofold SQLite" }));
    for (const [servers, name, database] of [[1, "Twofold PG ×1", "twofold_bench_one"], [2, "Twofold PG ×2 (nginx)", "twofold_bench_two"]]) {
      const databaseUrl = cluster.url.replace(/\/twofold_bench_one$/, `/${database}`);
      const s = await startTwofold({ appDir, workDir, password: PASSWORD, name, databaseUrl, servers, poolSize: POOL_SIZE });
      // The cluster's postmaster and its backends: only one system is measured at a time.
      s.otherCpu.postgres = postmaster;
      systems.push(s);
    }
  } else {
    systems.push(await startTwofold({ appDir, workDir, password: PASSWORD }));
  }
  if (WITH_PEER) systems.push(await startPeer({ workDir, password: PASSWORD }));
  for (const s of systems) s.idleRss = new MemoryProbe(s.pids ?? s.pid).rss();
  W = Math.max(11, ...systems.map((s) => s.name.length));

  for (const name of SCENARIOS.filter((n) => n !== "mixed")) {
    const unavailable = {};
    for (const s of systems) unavailable[s.name] = await preflight(s, name);
    for (const connections of LEVELS) {
      const row = { scenario: name, connections, by: {} };
      for (const s of systems) {
        if (unavailable[s.name]) {
          row.by[s.name] = { unavailable: unavailable[s.name] };
          if (connections === LEVELS[0]) log(`${name.padEnd(8)} ${s.name.padEnd(W)} not measured: ${unavailable[s.name]}`);
          continue;
        }
        row.by[s.name] = await measure(s, name, connections);
        const m = row.by[s.name];
        if (m.unavailable) {
          log(`${name.padEnd(8)} c=${String(connections).padStart(2)} ${s.name.padEnd(W)} not measured: ${m.unavailable}`);
          continue;
        }
        const f2 = (v) => (v === null || v === undefined ? "–" : v.toFixed(2));
        const cpu = POSTGRES ? `  CPU ms/req app ${f2(m.cpuMsPerRequest)}${Object.entries(m.otherCpuMsPerRequest ?? {}).map(([k, v]) => ` ${k} ${f2(v)}`).join("")}` : "";
        log(`${name.padEnd(8)} c=${String(connections).padStart(2)} ${s.name.padEnd(W)} ${m.rps.toFixed(1).padStart(8)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  errors ${m.errors}  (${m.responses} in ${m.duration.toFixed(1)} s)${cpu}`);
        if (m.errorSamples.length) log(`   errors, e.g.: ${m.errorSamples.join(" | ")}`);
        await sleep(300);
      }
      results.push(row);
    }
  }

  if (SCENARIOS.includes("mixed")) {
    // Session checks alone, then the same checks while MIXED_SIGNIN connections sign in.
    for (const s of systems) {
      const session = s.scenarios.session;
      const signin = s.scenarios.signin;
      const sessions = await session.seed(64);
      const users = await signin.seed(400);
      const alone = await load(s, session, sessions, MIXED_SESSION);
      const memory = new MemoryProbe(s.pids ?? s.pid);
      memory.start();
      const [during, signins] = await Promise.all([load(s, session, sessions, MIXED_SESSION), load(s, signin, users, MIXED_SIGNIN)]);
      const peakRss = memory.stop();
      mixed.push({ system: s.name, alone, during, signins, peakRss });
      log(`mixed    ${s.name.padEnd(W)} session p99 alone ${alone.p99} ms, during sign-ins ${during.p99} ms (×${(during.p99 / alone.p99).toFixed(1)}); sign-ins ${signins.rps.toFixed(1)}/s; errors ${alone.errors + during.errors + signins.errors}`);
    }
  }
  if (POSTGRES) statements = await countStatements(systems.find((s) => s.name === "Twofold PG ×1"));
} finally {
  await shutdown();
}

// ── 5. Report. ─────────────────────────────────────────────────────────────────────────────────
// The first system is Twofold (on SQLite); the peer, when it runs, is the last.
const T = systems[0].name;
const P = WITH_PEER ? systems[systems.length - 1].name : undefined;
const fmt = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? "–" : Number(v).toFixed(digits));
const ms = (v) => (v === undefined || v === null ? "–" : v < 10 ? Number(v).toFixed(2) : Number(v).toFixed(v < 100 ? 1 : 0));
const mb = (bytes) => (bytes ? (bytes / 1048576).toFixed(0) : "–");
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "–");
const cell = (a, b, f) => (P ? `${f(a)} / ${f(b)} (${ratio(a, b)})` : f(a));

const cores = availableParallelism();
const machine = {
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  cores,
  cpu: cpus()[0]?.model?.trim() ?? "unknown",
  memoryGiB: Math.round(Number(readFileSync("/proc/meminfo", "utf8").match(/MemTotal:\s+(\d+)/)[1]) / 1048576),
  node: process.version,
  seconds: SECONDS,
  source,
  ...(postgres ? { postgres } : {}),
  peer: WITH_PEER ? `better-auth ${JSON.parse(readFileSync(path.join(benchDir, "peer", "node_modules", "better-auth", "package.json"), "utf8")).version}` : null,
};

const hashSlots = Math.max(1, cores - 1); // PASSWORD_HASH_CONCURRENCY's default in lib/auth/password.ts
const bestSignin = (name) => Math.max(0, ...results.filter((r) => r.scenario === "signin").map((r) => r.by[name]?.rps ?? 0));
const bound = {
  twofold: { hashMs: micro.twofold.password.ms, machine: (cores * 1000) / micro.twofold.password.ms, app: (hashSlots * 1000) / micro.twofold.password.ms, measured: bestSignin(T) },
  ...(P ? { peer: { hashMs: micro.peer.password.ms, machine: (cores * 1000) / micro.peer.password.ms, measured: bestSignin(P) } } : {}),
};

/**
 * BENCH_DB=postgres: one row per system and run, ratios against the first (Twofold on SQLite). CPU
 * per request split by process: the app servers (summed), the PostgreSQL cluster, nginx.
 */
function pgTable() {
  const names = systems.map((s) => s.name);
  lines.push(`${machine.date} · ${machine.cores} cores (${machine.cpu}) · ${machine.memoryGiB} GiB · Node ${machine.node} · Twofold ${source.source} ${source.commit} · ${postgres.version}, pool ${postgres.poolSize} per server${P ? ` · ${machine.peer}` : ""} · ${SECONDS} s per run`);
  lines.push("");
  lines.push(
    `Each row: one system; in parentheses the ratio to ${T}. ${names.slice(1).join(", ")}: the same build on one PostgreSQL cluster on this machine (a fresh database each); ×1 is one app server, reached directly; ×2 is two app servers behind nginx (round-robin), reached through it. ` +
      "Req/s: higher is better; latency, memory and CPU: lower is better. Errors must be 0. Peak RSS: the app server(s), summed. CPU per request: app = the app server processes (summed over both for ×2), PG = the cluster's processes, nginx = its master and worker; total = all three.",
  );
  lines.push("");
  lines.push("| scenario | conn. | system | req/s | p50 ms | p99 ms | errors | peak RSS MB | app CPU ms/req | PG CPU ms/req | nginx CPU ms/req | total CPU ms/req |");
  lines.push("| --- | ---: | --- | --- | --- | --- | ---: | --- | --- | ---: | ---: | --- |");
  const vs = (v, base, f) => (v === undefined || v === null ? "–" : base && v !== base ? `${f(v)} (${ratio(v, base)})` : f(v));
  for (const r of results) {
    const base = r.by[T] ?? {};
    for (const name of names) {
      const m = r.by[name] ?? {};
      if (m.unavailable) continue;
      const other = m.otherCpuMsPerRequest ?? {};
      const total = (x) => (x.cpuMsPerRequest ?? 0) + Object.values(x.otherCpuMsPerRequest ?? {}).reduce((a, b) => a + (b ?? 0), 0);
      const first = name === T;
      const cpu2 = (v) => fmt(v, 2);
      lines.push(
        `| ${first ? TITLES[r.scenario] : ""} | ${first ? r.connections : ""} | ${name} | ${first ? fmt(m.rps) : vs(m.rps, base.rps, (v) => fmt(v))} | ${first ? ms(m.p50) : vs(m.p50, base.p50, ms)} | ${first ? ms(m.p99) : vs(m.p99, base.p99, ms)} | ${m.errors} | ${mb(m.peakRss)} | ${first ? cpu2(m.cpuMsPerRequest) : vs(m.cpuMsPerRequest, base.cpuMsPerRequest, cpu2)} | ${cpu2(other.postgres)} | ${cpu2(other.nginx)} | ${first ? cpu2(total(m)) : vs(total(m), total(base), cpu2)} |`,
      );
    }
  }
}

const lines = [];
lines.push(`# Benchmark results`);
lines.push("");
if (POSTGRES) {
  pgTable();
} else {
  lines.push(`${machine.date} · ${machine.cores} cores (${machine.cpu}) · ${machine.memoryGiB} GiB · Node ${machine.node} · Twofold ${source.source} ${source.commit}${P ? ` vs ${machine.peer}` : ""} · ${SECONDS} s per run`);
  lines.push("");
  lines.push(`Each cell: Twofold / ${P ?? "–"} (ratio Twofold ÷ ${P ?? "peer"}). Req/s: higher is better; latency, memory and CPU: lower is better. Errors must be 0.`);
  lines.push("");
  lines.push("| scenario | conn. | req/s | p50 ms | p99 ms | errors | peak RSS MB | server CPU ms/req |");
  lines.push("| --- | ---: | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const a = r.by[T] ?? {};
    const b = (P && r.by[P]) || {};
    if (a.unavailable && (!P || b.unavailable)) continue;
    const errors = P ? `${a.errors ?? "–"} / ${b.errors ?? "–"}` : `${a.errors}`;
    lines.push(
      `| ${TITLES[r.scenario]} | ${r.connections} | ${cell(a.rps, b.rps, (v) => fmt(v))} | ${cell(a.p50, b.p50, ms)} | ${cell(a.p99, b.p99, ms)} | ${errors} | ${cell(a.peakRss, b.peakRss, mb)} | ${cell(a.cpuMsPerRequest, b.cpuMsPerRequest, (v) => fmt(v, 2))} |`,
    );
  }
}
const notes = [];
for (const r of results) {
  for (const [name, m] of Object.entries(r.by)) {
    if (m.unavailable && r.connections === LEVELS[0]) notes.push(`${TITLES[r.scenario]} — ${name}: not measured (${m.unavailable}).`);
  }
}
if (notes.length) lines.push("", ...notes.map((n) => `- ${n}`));
if (mixed.length) {
  lines.push("", `## Session checks while sign-ins run (${MIXED_SESSION} connections checking sessions, ${MIXED_SIGNIN} signing in)`, "");
  lines.push("| system | session p50 alone → during | session p99 alone → during | p99 stall | sign-ins/s meanwhile | session checks/s meanwhile | errors | peak RSS MB |");
  lines.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const m of mixed) {
    lines.push(
      `| ${m.system} | ${ms(m.alone.p50)} → ${ms(m.during.p50)} | ${ms(m.alone.p99)} → ${ms(m.during.p99)} | ×${(m.during.p99 / m.alone.p99).toFixed(1)} | ${fmt(m.signins.rps, 1)} | ${fmt(m.during.rps)} | ${m.alone.errors + m.during.errors + m.signins.errors} | ${mb(m.peakRss)} |`,
    );
  }
}
if (statements.length) {
  lines.push("", "## Statements per request on PostgreSQL (one request alone, log_statement=all)", "");
  lines.push(`| scenario | statements (round trips) | of which BEGIN (write transactions) | app + PG CPU per request over SQLite's, at ${LEVELS[0]} connection(s) (÷ statements) |`);
  lines.push("| --- | ---: | ---: | --- |");
  for (const c of statements) {
    const row = results.find((r) => r.scenario === c.scenario && r.connections === LEVELS[0]);
    const base = row?.by[T];
    const one = row?.by["Twofold PG ×1"];
    const extra = base && one ? one.cpuMsPerRequest + (one.otherCpuMsPerRequest?.postgres ?? 0) - base.cpuMsPerRequest : null;
    lines.push(
      `| ${TITLES[c.scenario]} | ${c.statements}${c.problem ? " (failed)" : ""} | ${c.transactions} | ${extra === null ? "–" : `${extra >= 0 ? "+" : ""}${fmt(extra, 2)} ms${c.statements && extra > 0 ? ` (${fmt((1000 * extra) / c.statements)} µs per statement)` : ""}`} |`,
    );
  }
}
lines.push("", "## Against the physical limit: the password hash", "");
lines.push(
  `- Twofold: one ${micro.twofold.password.algorithm} verification = ${bound.twofold.hashMs.toFixed(1)} ms of one core → bound ${cores} cores ÷ ${bound.twofold.hashMs.toFixed(1)} ms = **${fmt(bound.twofold.machine)} sign-ins/s**; with the app's ${hashSlots} hashing slot(s) (cores − 1, PASSWORD_HASH_CONCURRENCY) **${fmt(bound.twofold.app)}/s**. Measured: **${fmt(bound.twofold.measured, 1)}/s** (${fmt((100 * bound.twofold.measured) / bound.twofold.app)}% of the app's bound, ${fmt((100 * bound.twofold.measured) / bound.twofold.machine)}% of the machine's).`,
);
if (POSTGRES) {
  // Each app server has its own hashing slots: two servers on this machine have twice as many.
  const perSystem = systems.filter((s) => s.name !== P).map((s) => {
    const slots = hashSlots * (s.pids?.length ?? 1);
    const appBound = Math.min(cores, slots) * 1000 / micro.twofold.password.ms;
    return `${s.name} **${fmt(bestSignin(s.name), 1)}/s** (${slots} slot(s), bound ${fmt(appBound)}/s: ${fmt((100 * bestSignin(s.name)) / appBound)}%)`;
  });
  lines.push(`- Best sign-ins/s by system: ${perSystem.join("; ")}.`);
}
if (P) {
  lines.push(
    `- ${P}: one ${micro.peer.password.algorithm} verification = ${bound.peer.hashMs.toFixed(1)} ms → bound ${cores} ÷ ${bound.peer.hashMs.toFixed(1)} ms = **${fmt(bound.peer.machine)} sign-ins/s**. Measured: **${fmt(bound.peer.measured, 1)}/s** (${fmt((100 * bound.peer.measured) / bound.peer.machine)}% of the bound).`,
  );
}
lines.push("", "## CPU per check, in process (no HTTP, no database)", "");
lines.push("| check | Twofold | " + (P ? `${P} |` : "") + (P ? " ratio |" : ""));
lines.push("| --- | --- | " + (P ? "--- | ---: |" : ""));
const us = (x) => (x ? `${x.cpuUs < 10 ? x.cpuUs.toFixed(1) : x.cpuUs.toFixed(0)} µs` : "–");
for (const [key, label] of [["totp", "TOTP code"], ["recovery", "recovery / backup code"], ["session", "session cookie (crypto only)"]]) {
  const a = micro.twofold[key];
  const b = micro.peer?.[key];
  lines.push(`| ${label} | ${us(a)} — ${a.what} | ${P ? `${us(b)} — ${b.what} | ${ratio(a.cpuUs, b.cpuUs)} |` : ""}`);
}
lines.push(`| TOTP, wrong code | ${us(micro.twofold.totpWrong)} — ${micro.twofold.totpWrong.what} |${P ? " | |" : ""}`);
const slow = [];
for (const [who, m] of Object.entries(micro)) {
  for (const key of ["totp", "recovery"]) if (m[key].cpuUs > 1000) slow.push(`${who} ${key}: ${(m[key].cpuUs / 1000).toFixed(2)} ms of CPU per check`);
}
lines.push("", slow.length ? `**Over 1 ms of CPU per second-factor check:** ${slow.join("; ")}.` : "No second-factor check costs more than 1 ms of CPU in process.");
lines.push("", `Idle RSS after start: ${systems.map((s) => `${s.name} ${mb(s.idleRss)} MB`).join(", ")}.`);

const markdown = lines.join("\n") + "\n";
console.log("\n" + markdown);
mkdirSync(path.join(benchDir, "results"), { recursive: true });
writeFileSync(path.join(benchDir, "results", "latest.md"), markdown);
writeFileSync(path.join(benchDir, "results", "latest.json"), JSON.stringify({ machine, micro, bound, results, mixed, ...(POSTGRES ? { statements } : {}) }, null, 2) + "\n");
log(`wrote bench/results/latest.md and latest.json`);
rmSync(workDir, { recursive: true, force: true });
const failed = results.some((r) => Object.values(r.by).some((m) => m.errors)) || mixed.some((m) => m.alone.errors + m.during.errors + m.signins.errors);
if (failed) {
  console.error("[bench] some requests failed: the figures above are not valid (errors must be 0).");
  process.exitCode = 1;
}
