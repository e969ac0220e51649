import { writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";

// The specs' database helper on a migrated database of the app, in the dialect of the pass:
// SQLite here, PostgreSQL when run with vitest.postgres.config.mts. The same statements must give
// the same JS values in both, since one set of specs runs against either.
process.env.AUTH_SECRET = "e2e-db-helper-secret-".padEnd(48, "e");

let dialect: "sqlite" | "postgres";
let db: typeof import("./db");
let codesFoundInDatabase: typeof import("./recovery-codes").codesFoundInDatabase;
let client: typeof import("@/db/client");

beforeAll(async () => {
  dialect = await useFreshDatabase("e2e_db_helper");
  client = await import("@/db/client");
  await client.getDb(); // opens and migrates
  const dir = mkdtempSync(path.join(tmpdir(), "twofold-e2e-db-"));
  const env: Record<string, unknown> = { dataDir: dir, databasePath: process.env.DATABASE_PATH ?? "", outboxDir: dir, port: 0 };
  if (dialect === "postgres") {
    const pg = (await import("pg")).default;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      env.postgresDataDir = (await admin.query<{ data_directory: string }>("SHOW data_directory")).rows[0].data_directory;
    } finally {
      await admin.end();
    }
    env.databaseUrl = process.env.DATABASE_URL;
  }
  process.env.E2E_ENV_FILE = path.join(dir, "e2e-env.json");
  writeFileSync(process.env.E2E_ENV_FILE, JSON.stringify(env));
  db = await import("./db");
  ({ codesFoundInDatabase } = await import("./recovery-codes"));
  expect(db.testDialect()).toBe(dialect);
});

afterAll(async () => {
  await db?.closeTestDb();
  await client?.closeDb();
});

const T0 = 1_700_000_000_000;

async function newUser(email: string): Promise<string> {
  const id = `u-${email}`;
  expect(await db.sqlRun("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)", id, email, "hash", T0)).toBe(1);
  return id;
}

describe("sqlGet / sqlAll / sqlRun", () => {
  it("count(*) and bigint time columns read as numbers; missing rows as undefined", async () => {
    await newUser("count@example.test");
    expect(await db.sqlGet("SELECT count(*) AS n FROM users WHERE email = ?", "count@example.test")).toEqual({ n: 1 });
    expect(await db.sqlGet("SELECT count(*) AS n FROM users WHERE email = ?", "nobody@example.test")).toEqual({ n: 0 });
    expect(await db.sqlGet("SELECT created_at AS t, created_at + 1 AS later FROM users WHERE email = ?", "count@example.test")).toEqual({ t: T0, later: T0 + 1 });
    expect(await db.sqlGet("SELECT id FROM users WHERE email = ?", "nobody@example.test")).toBeUndefined();
  });

  it("reports the rows a statement changed, and upserts with ON CONFLICT … excluded", async () => {
    const seed = (attempts: number) =>
      db.sqlRun(
        `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES (?, ?, ?, ?, NULL, ?)
         ON CONFLICT (bucket, key) DO UPDATE SET attempts = excluded.attempts, locked_until = NULL`,
        "signInAccount",
        "upsert@example.test",
        attempts,
        T0,
        T0,
      );
    expect(await seed(9)).toBe(1);
    expect(await seed(100)).toBe(1);
    expect(await db.sqlAll("SELECT attempts FROM rate_limits WHERE bucket = 'signInAccount' AND key = ?", "upsert@example.test")).toEqual([{ attempts: 100 }]);
    expect(await db.sqlRun("DELETE FROM rate_limits WHERE key = ?", "nobody")).toBe(0);
  });

  it("binds JS booleans and Buffers, and a CASE reads a boolean column as 0/1 in both", async () => {
    const userId = await newUser("key@example.test");
    await db.sqlRun(
      "INSERT INTO webauthn_credentials (id, user_id, name, public_key, counter, device_type, backed_up, is_passkey, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      "cred-1",
      userId,
      "Key",
      Buffer.from([1, 2, 3]),
      4_294_967_295,
      "singleDevice",
      false,
      true,
      T0,
    );
    expect(await db.sqlGet("SELECT count(*) AS n FROM webauthn_credentials WHERE user_id = ? AND is_passkey = ? AND backed_up = ?", userId, true, false)).toEqual({ n: 1 });
    const row = await db.sqlGet<{ passkey: number; counter: number; key: Buffer }>(
      "SELECT CASE WHEN is_passkey THEN 1 ELSE 0 END AS passkey, counter, public_key AS key FROM webauthn_credentials WHERE id = ?",
      "cred-1",
    );
    expect(row).toEqual({ passkey: 1, counter: 4_294_967_295, key: Buffer.from([1, 2, 3]) });
  });

  it("leaves a ? inside a string literal alone", async () => {
    expect(await db.sqlGet("SELECT 'why?' AS a, ? AS b", "x")).toEqual({ a: "why?", b: "x" });
  });
});

describe("ageAuthentication / ageActivity / securityEventTypes", () => {
  it("move a session's times back by whole milliseconds, and refuse a session that isn't there", async () => {
    const userId = await newUser("age@example.test");
    await db.sqlRun(
      "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, authenticated_at, amr) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      "s-age",
      userId,
      "token-age",
      T0,
      T0,
      T0 + 86_400_000,
      T0,
      '["pwd"]',
    );
    await db.ageAuthentication("s-age", 16 * 60);
    await db.ageActivity("s-age", 3601);
    expect(await db.sqlGet("SELECT authenticated_at AS a, last_seen_at AS s FROM sessions WHERE id = ?", "s-age")).toEqual({ a: T0 - 960_000, s: T0 - 3_601_000 });
    await expect(db.ageAuthentication("s-none", 60)).rejects.toThrow(/no session s-none/);
  });

  it("lists an account's event types in the order they happened", async () => {
    const userId = await newUser("events@example.test");
    for (const type of ["account.created", "signin.succeeded", "session.signed_out"]) {
      await db.sqlRun("INSERT INTO security_events (user_id, type, created_at) VALUES (?, ?, ?)", userId, type, T0);
    }
    expect(await db.securityEventTypes("events@example.test")).toEqual(["account.created", "signin.succeeded", "session.signed_out"]);
  });
});

describe("codesFoundInDatabase", () => {
  it("finds a code that is stored in plaintext anywhere, in each displayed form, and not one that isn't", async () => {
    const userId = await newUser("codes@example.test");
    await db.sqlRun("INSERT INTO recovery_code_sets (id, user_id, status, created_at) VALUES (?, ?, 'active', ?)", "set-1", userId, T0);
    await db.sqlRun("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES (?, 1, ?, 'k1')", "set-1", "f".repeat(64));
    const leaked = "abcd-efgh-jkmn-p";
    const stored = "qrst-uvwx-yz23-4";
    // A leak of the bare upper-case form in another table: the search is not limited to one column.
    await db.sqlRun("INSERT INTO security_events (user_id, type, created_at, detail) VALUES (?, 'leak', ?, ?)", userId, T0, JSON.stringify({ c: "ABCDEFGHJKMNP" }));
    expect(await codesFoundInDatabase([leaked, stored])).toEqual(["ABCDEFGHJKMNP"]);
  });
});
