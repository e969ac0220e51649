import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// The reset token's rules against a real SQLite file: single use under concurrency, replaced by a
// newer link, 30 minutes, bound to the password hash, second factor first.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-reset-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.OUTBOX_DIR = path.join(dir, "outbox");
process.env.AUTH_SECRET = "password-reset-test-secret-".padEnd(48, "p");

let reset: typeof import("./password-reset");
let users: typeof import("@/db/queries/users");
let queries: typeof import("@/db/queries/password-reset");
let sqlite: Database.Database;

const CLIENT = { ip: "192.0.2.7", userAgent: "vitest" };
const NEW_PASSWORD = "seven amber herons wading";

beforeAll(async () => {
  reset = await import("./password-reset");
  users = await import("@/db/queries/users");
  queries = await import("@/db/queries/password-reset");
  const client = await import("@/db/client");
  sqlite = await openSqlite();
});

let counter = 0;
async function newUser(): Promise<{ id: string; email: string; passwordHash: string }> {
  const user = { id: `u${++counter}`, email: `reset-${counter}@example.test`, passwordHash: `$argon2id$old-${counter}`, createdAt: new Date() };
  await users.insertUser(user);
  return user;
}

/** Issues a link the way the app does and reads the token back out of the queued mail. */
async function issue(user: { id: string; email: string; passwordHash: string }, now = new Date()): Promise<string> {
  await reset.issuePasswordReset(user, {}, now);
  const row = sqlite
    .prepare("SELECT text_body FROM mail_outbox WHERE user_id = ? AND kind = 'password_reset_link' ORDER BY created_at DESC, rowid DESC LIMIT 1")
    .get(user.id) as { text_body: string };
  const token = /token=([A-Za-z0-9_-]+)/.exec(row.text_body)?.[1];
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return token!;
}

const passwordHashOf = (id: string) => (sqlite.prepare("SELECT password_hash FROM users WHERE id = ?").get(id) as { password_hash: string }).password_hash;

describe("password reset tokens", () => {
  it("stores only the SHA-256 of a 256-bit token, and a reset spends it", async () => {
    const user = await newUser();
    const token = await issue(user);
    const stored = sqlite.prepare("SELECT token_hash, password_fingerprint FROM password_reset_tokens WHERE user_id = ?").get(user.id) as Record<string, string>;
    expect(stored.token_hash).toBe(reset.hashResetToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.password_fingerprint).not.toContain(user.passwordHash);

    const open = await reset.openPasswordReset(token);
    expect(open).toMatchObject({ userId: user.id, secondFactorRequired: false });
    expect(await reset.completePasswordReset(open!, NEW_PASSWORD, CLIENT)).toEqual({ ok: true });
    expect(passwordHashOf(user.id)).toMatch(/^\$argon2id\$/);
    expect(await reset.openPasswordReset(token)).toBeNull();
    // The page held a stale view of the reset: the second use is refused all the same.
    expect(await reset.completePasswordReset(open!, "another fine passphrase here", CLIENT)).toEqual({ ok: false, reason: "expired" });
  });

  it("is single use under concurrency: of 20 simultaneous resets exactly one wins", async () => {
    const user = await newUser();
    const token = await issue(user);
    const opened = await Promise.all(Array.from({ length: 20 }, () => reset.openPasswordReset(token)));
    expect(opened.every((o) => o !== null)).toBe(true);
    const results = await Promise.all(opened.map((o, i) => reset.completePasswordReset(o!, `${NEW_PASSWORD} number ${i}`, CLIENT)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && "reason" in r && r.reason === "expired")).toHaveLength(19);
  });

  it("is replaced by a newer link for the same account", async () => {
    const user = await newUser();
    const older = await issue(user);
    const newer = await issue(user);
    expect(await reset.openPasswordReset(older)).toBeNull();
    expect(await reset.openPasswordReset(newer)).not.toBeNull();
  });

  it("works for 30 minutes", async () => {
    const user = await newUser();
    const issuedAt = new Date();
    const token = await issue(user, issuedAt);
    expect(await reset.openPasswordReset(token, new Date(issuedAt.getTime() + 29 * 60_000))).not.toBeNull();
    expect(await reset.openPasswordReset(token, new Date(issuedAt.getTime() + 30 * 60_000))).toBeNull();
  });

  it("dies when the password changes by other means", async () => {
    const user = await newUser();
    const token = await issue(user);
    const open = await reset.openPasswordReset(token);
    expect(await users.updatePasswordHashIfUnchanged(user.id, user.passwordHash, "$argon2id$changed-elsewhere")).toBe(true);
    expect(await reset.openPasswordReset(token)).toBeNull();
    expect(await reset.completePasswordReset(open!, NEW_PASSWORD, CLIENT)).toEqual({ ok: false, reason: "expired" });
    expect(passwordHashOf(user.id)).toBe("$argon2id$changed-elsewhere");
  });

  it("refuses malformed tokens before any lookup", async () => {
    for (const token of [undefined, null, "", "x".repeat(42), "x".repeat(44), `${"a".repeat(42)}=`, 42]) {
      expect(await reset.openPasswordReset(token)).toBeNull();
    }
  });

  it("asks an account with a second factor for it first, then ends every session and clears the password count", async () => {
    const user = await newUser();
    const now = Date.now();
    sqlite.prepare("INSERT INTO totp_credentials (id, user_id, secret_ciphertext, created_at) VALUES (?, ?, 'sealed', ?)").run(`t-${user.id}`, user.id, now);
    sqlite.prepare("INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, amr) VALUES (?, ?, ?, ?, ?, ?, '[]')")
      .run(`s-${user.id}`, user.id, `h-${user.id}`, now, now, now + 3_600_000);
    sqlite.prepare("INSERT INTO rate_limits (bucket, key, attempts, window_started_at, last_attempt_at) VALUES ('signInAccount', ?, 100, ?, ?)").run(user.email, now, now);
    const token = await issue(user);

    const open = await reset.openPasswordReset(token);
    expect(open).toMatchObject({ secondFactorRequired: true, secondFactorPassed: false, methods: ["totp"] });
    expect(await reset.completePasswordReset(open!, NEW_PASSWORD, CLIENT)).toEqual({ ok: false, reason: "second_factor_due" });
    // Even a caller that skips the check: the database refuses a reset whose factor wasn't passed.
    expect(await reset.completePasswordReset({ ...open!, secondFactorPassed: true }, NEW_PASSWORD, CLIENT)).toEqual({ ok: false, reason: "expired" });
    expect(passwordHashOf(user.id)).toBe(user.passwordHash);

    expect(await queries.markPasswordResetSecondFactor(open!.tokenHash, "totp", new Date())).toBe(true);
    const passed = await reset.openPasswordReset(token);
    expect(passed).toMatchObject({ secondFactorPassed: true });
    expect(await reset.completePasswordReset(passed!, NEW_PASSWORD, CLIENT)).toEqual({ ok: true });
    expect(sqlite.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?").get(user.id)).toEqual({ n: 0 });
    expect(sqlite.prepare("SELECT count(*) AS n FROM rate_limits WHERE key = ?").get(user.email)).toEqual({ n: 0 });
    // Factors stay.
    expect(sqlite.prepare("SELECT count(*) AS n FROM totp_credentials WHERE user_id = ?").get(user.id)).toEqual({ n: 1 });
    const event = sqlite.prepare("SELECT detail FROM security_events WHERE user_id = ? AND type = 'password.reset'").get(user.id) as { detail: string };
    expect(JSON.parse(event.detail)).toMatchObject({ second_factor: "totp", sessions_ended: 1 });
  });
});
