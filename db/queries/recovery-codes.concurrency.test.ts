import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// Single use under real concurrency: 50 threads, each with its own SQLite connection to the same
// file (as several app processes would have), released at the same instant by a barrier, all run
// the app's exact claim statement for ONE code. Exactly one may see a row change.
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-recovery-race-")), "race.db");
process.env.AUTH_SECRET = "recovery-race-secret-".padEnd(48, "r");

const THREADS = 50;
let queries: typeof import("./recovery-codes");
let client: typeof import("@/db/client");

beforeAll(async () => {
  queries = await import("./recovery-codes");
  client = await import("@/db/client");
  await openSqlite();
});

// Plain CommonJS, run by each thread: open a connection, prepare, wait at the barrier, claim.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 30000");
const statement = db.prepare(workerData.sql);
const gate = new Int32Array(workerData.gate);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
try {
  const rows = statement.all(...workerData.params);
  parentPort.postMessage({ changes: rows.length });
} catch (error) {
  parentPort.postMessage({ error: String(error) });
} finally {
  db.close();
}
`;

/** The process's own connection (db/client.ts keeps it on globalThis). */
const sqlite = () => rawSqlite();

function seed() {
  const now = new Date();
  sqlite().prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('racer', 'racer@example.test', 'x', ?)").run(now.getTime());
  sqlite().prepare("INSERT INTO recovery_code_sets (id, user_id, status, created_at) VALUES ('set-1', 'racer', 'active', ?)").run(now.getTime());
  const insert = sqlite().prepare("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES ('set-1', ?, ?, 'k1')");
  for (let position = 1; position <= 10; position++) insert.run(position, `hash-${position}`);
}

async function untilAllWaiting(gate: Int32Array) {
  const deadline = Date.now() + 60_000;
  while (Atomics.load(gate, 1) < THREADS) {
    if (Date.now() > deadline) throw new Error(`only ${Atomics.load(gate, 1)} of ${THREADS} threads reached the barrier`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("claimRecoveryCode under concurrency", () => {
  it(`spends one code exactly once across ${THREADS} connections racing in parallel`, async () => {
    const db = await client.getDb();
    seed();
    const { sql, params } = queries
      .claimRecoveryCodeStatement(db, { userId: "racer", codeHash: "hash-7", keyId: "k1", usedAt: new Date() })
      .toSQL();
    const gate = new Int32Array(new SharedArrayBuffer(8));
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const workers = Array.from({ length: THREADS }, () =>
      new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: process.env.DATABASE_PATH, sql, params, gate: gate.buffer } }),
    );
    const results = workers.map(
      (worker) =>
        new Promise<{ changes?: number; error?: string }>((resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    );
    await untilAllWaiting(gate);
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const outcomes = await Promise.all(results);
    await Promise.all(workers.map((w) => w.terminate()));

    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(outcomes.filter((o) => o.changes === 1)).toHaveLength(1);
    expect(outcomes.filter((o) => o.changes === 0)).toHaveLength(THREADS - 1);
    const used = sqlite().prepare("SELECT position FROM recovery_codes WHERE used_at IS NOT NULL").all();
    expect(used).toEqual([{ position: 7 }]);
  }, 120_000);

  it("does not spend a code of a set that isn't the user's active one", async () => {
    sqlite().prepare("INSERT INTO recovery_code_sets (id, user_id, status, session_id, created_at) VALUES ('set-p', 'racer', 'pending', 's', 0)").run();
    sqlite().prepare("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES ('set-p', 1, 'hash-pending', 'k1')").run();
    expect(await queries.claimRecoveryCode({ userId: "racer", codeHash: "hash-pending", keyId: "k1", usedAt: new Date() })).toBeUndefined();
    expect(await queries.claimRecoveryCode({ userId: "someone-else", codeHash: "hash-1", keyId: "k1", usedAt: new Date() })).toBeUndefined();
    expect(await queries.claimRecoveryCode({ userId: "racer", codeHash: "hash-1", keyId: "other-key", usedAt: new Date() })).toBeUndefined();
    expect(await queries.claimRecoveryCode({ userId: "racer", codeHash: "hash-1", keyId: "k1", usedAt: new Date() })).toEqual({ setId: "set-1", position: 1 });
  });
});
