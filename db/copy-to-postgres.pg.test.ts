import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";

// Moving an install from SQLite to PostgreSQL: an app's rows are written on SQLite through the
// app's own queries, copied by the operator command, then read back on PostgreSQL.
process.env.AUTH_SECRET = "copy-secret-".padEnd(48, "c");
const sqlitePath = path.join(mkdtempSync(path.join(tmpdir(), "twofold-copy-")), "app.db");

let targetUrl: string;
let client: typeof import("@/db/client");
let users: typeof import("@/db/queries/users");
let webauthn: typeof import("@/db/queries/webauthn");
let events: typeof import("@/db/queries/security-events");
let recovery: typeof import("@/db/queries/recovery-codes");
const userId = randomUUID();
const credential = {
  id: `cred-${randomUUID()}`,
  userId,
  name: "Desk key",
  publicKey: Buffer.from([1, 2, 3, 254]),
  counter: 7,
  transports: '["usb"]',
  deviceType: "singleDevice",
  backedUp: false,
  isPasskey: false,
  aaguid: null,
  createdAt: new Date("2026-01-02T03:04:05.678Z"),
  lastUsedAt: null,
};

beforeAll(async () => {
  await useFreshDatabase("copy-target");
  targetUrl = process.env.DATABASE_URL!;
  // The app first runs on SQLite.
  delete process.env.DATABASE_URL;
  process.env.DATABASE_PATH = sqlitePath;
  client = await import("@/db/client");
  users = await import("@/db/queries/users");
  webauthn = await import("@/db/queries/webauthn");
  events = await import("@/db/queries/security-events");
  recovery = await import("@/db/queries/recovery-codes");
});

afterAll(async () => {
  await client.closeDb();
});

describe("db copy-to-postgres", () => {
  // Two runs of the real CLI (tsx compiles the app's modules each time): seconds, not milliseconds.
  it("copies every row, keeps the log's ids, and refuses a database that isn't empty", { timeout: 120_000 }, async () => {
    expect(client.currentDialect()).toBe("sqlite");
    await users.insertUser({ id: userId, email: "moving@example.test", passwordHash: "argon2-hash", createdAt: new Date("2026-01-01T00:00:00Z") });
    await webauthn.insertWebAuthnCredential(credential);
    const setId = randomUUID();
    await recovery.replacePendingRecoveryCodeSet({ id: setId, userId, sessionId: "s", createdAt: new Date() }, [
      { position: 1, codeHash: "h1", keyId: "k" },
      { position: 2, codeHash: "h2", keyId: "k" },
    ]);
    await recovery.activateRecoveryCodeSet({ userId, setId, sessionId: "s", createdAfter: new Date(0), now: new Date() });
    const eventIds = [];
    for (const type of ["signup", "signin.succeeded", "second_factor.added"]) {
      eventIds.push(await events.insertSecurityEvent({ userId, type, createdAt: new Date(), ip: "192.0.2.7", userAgent: null, detail: "{}" }));
    }
    await client.closeDb();

    // The operator command, as run on the app's machine.
    const cli = spawnSync("npm", ["run", "-s", "admin", "--", "db", "copy-to-postgres"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_PATH: sqlitePath, TARGET_DATABASE_URL: targetUrl },
      timeout: 120_000,
    });
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/users: 1 rows/);
    expect(cli.stdout).toMatch(/security_events: 3 rows/);
    expect(cli.stdout).toMatch(/Copied 8 rows into PostgreSQL/);
    expect(cli.stdout).not.toContain(targetUrl);

    // Then it runs on PostgreSQL: read back with the PostgreSQL tables (this process's own
    // queries stay on SQLite: the dialect is chosen once, at start).
    const pg = await client.openPostgresDatabase(targetUrl);
    try {
      const schema = await import("@/db/schema/postgres");
      const { eq } = await import("drizzle-orm");
      expect(await pg.db.select().from(schema.users)).toMatchObject([{ id: userId, email: "moving@example.test", passwordHash: "argon2-hash" }]);
      expect(await pg.db.select().from(schema.webauthnCredentials)).toEqual([credential]);
      expect(await pg.db.select().from(schema.recoveryCodes).where(eq(schema.recoveryCodes.setId, setId))).toHaveLength(2);
      expect((await pg.db.select({ id: schema.securityEvents.id }).from(schema.securityEvents)).map((e) => e.id).sort()).toEqual([...eventIds].sort());
      const [next] = await pg.db
        .insert(schema.securityEvents)
        .values({ userId, type: "signin.succeeded", createdAt: new Date(), ip: null, userAgent: null, detail: "{}" })
        .returning({ id: schema.securityEvents.id });
      expect(next!.id).toBeGreaterThan(Math.max(...eventIds));
    } finally {
      await pg.pool.end();
    }

    const again = spawnSync("npm", ["run", "-s", "admin", "--", "db", "copy-to-postgres"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_PATH: sqlitePath, TARGET_DATABASE_URL: targetUrl },
      timeout: 120_000,
    });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/the PostgreSQL database is not empty/);
  });
});
