import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";
import { readOutbox } from "@/test/eml";

// The security log against a real SQLite file: refused attempts aggregate instead of piling up,
// operator events are told apart by a column no request sets, and alert mails are de-duplicated
// atomically.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-audit-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.OUTBOX_DIR = path.join(dir, "outbox");
process.env.APP_ORIGIN = "http://localhost:3997";
delete process.env.SMTP_URL;

const client = { ip: "203.0.113.8", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0" };

let audit: typeof import("./audit");
let notifications: typeof import("./notifications");
let queue: typeof import("@/lib/mail/queue");
let users: typeof import("@/db/queries/users");
let db: typeof import("@/db/client");

beforeAll(async () => {
  audit = await import("./audit");
  notifications = await import("./notifications");
  queue = await import("@/lib/mail/queue");
  users = await import("@/db/queries/users");
  db = await import("@/db/client");
  await openSqlite();
});

let count = 0;
async function newUser() {
  const id = `audit-user-${++count}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: new Date() });
  return id;
}

function rows(userId: string) {
  const sqlite = rawSqlite();
  return sqlite
    .prepare("SELECT type, repeat_count AS repeatCount, last_occurred_at AS lastOccurredAt, actor, ip FROM security_events WHERE user_id = ? ORDER BY id")
    .all(userId) as Array<{ type: string; repeatCount: number; lastOccurredAt: number | null; actor: string; ip: string | null }>;
}

describe("recordSecurityEvent", () => {
  it("aggregates repeats of a refused attempt into one row with a count", async () => {
    const id = await newUser();
    for (let i = 0; i < 500; i++) {
      await audit.recordSecurityEvent(id, "signin.failed", { ...client, ip: `198.51.100.${i % 250}`, userAgent: `agent ${i}` }, { method: "password" });
    }
    const logged = rows(id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ type: "signin.failed", repeatCount: 500, ip: "198.51.100.0" });
    expect(logged[0]!.lastOccurredAt).not.toBeNull();
  });

  it("never aggregates events the owner must see one by one", async () => {
    const id = await newUser();
    await audit.recordSecurityEvent(id, "second_factor.succeeded", client, { method: "totp" });
    await audit.recordSecurityEvent(id, "second_factor.succeeded", client, { method: "totp" });
    expect(rows(id).map((row) => row.repeatCount)).toEqual([1, 1]);
  });

  it("marks operator events by the actor column, whatever the user agent says", async () => {
    const id = await newUser();
    await audit.recordSecurityEvent(id, "session.others_revoked", { ip: "203.0.113.9", userAgent: "admin-cli" }, { count: 0 });
    await audit.recordSecurityEvent(id, "admin.sessions_revoked", { ip: null, userAgent: "admin-cli" }, { count: 0 }, "operator");
    expect(rows(id).map((row) => row.actor)).toEqual(["user", "operator"]);
  });

  it("refuses to rewrite an event (the log is evidence)", async () => {
    const id = await newUser();
    await audit.recordSecurityEvent(id, "signin.failed", client, { method: "password" });
    const sqlite = rawSqlite();
    expect(() => sqlite.prepare("UPDATE security_events SET type = 'signin.succeeded' WHERE user_id = ?").run(id)).toThrow(/never rewritten/);
    expect(() => sqlite.prepare("UPDATE security_events SET repeat_count = 0 WHERE user_id = ?").run(id)).toThrow(/never rewritten/);
  });
});

describe("alert mails", () => {
  it("concurrent requests raising the same throttled alert queue one mail", async () => {
    const id = await newUser();
    const before = new Set(readOutbox(process.env.OUTBOX_DIR!).map((m) => m.file));
    const event = { userId: id, type: "totp.replay_refused" as const, createdAt: new Date(), ...client, actor: "user" as const, detail: {} };
    await Promise.all(Array.from({ length: 8 }, (_, i) => notifications.notifySecurityEvent({ ...event, id: 10_000 + i })));
    await queue.settleMailDelivery();
    const mails = readOutbox(process.env.OUTBOX_DIR!).filter((m) => !before.has(m.file) && m.headers.to === `${id}@example.test`);
    expect(mails.map((m) => m.headers.subject)).toEqual(["A reused sign-in code was refused on your Twofold account"]);
  });

  it("ten consecutive failures mail the owner what is happening and what to do", async () => {
    const id = await newUser();
    const before = new Set(readOutbox(process.env.OUTBOX_DIR!).map((m) => m.file));
    await audit.recordSecurityEvent(id, "second_factor.failures_alert", client, { method: "totp" });
    await audit.recordSecurityEvent(id, "signin.failures_alert", client);
    await queue.settleMailDelivery();
    const mails = readOutbox(process.env.OUTBOX_DIR!).filter((m) => !before.has(m.file) && m.headers.to === `${id}@example.test`);
    const subjects = mails.map((m) => m.headers.subject).sort();
    expect(subjects).toEqual([
      "Someone is trying to guess the password of your Twofold account",
      "Someone with your password is trying to sign in to your Twofold account",
    ]);
    const secondFactor = mails.find((m) => m.headers.subject!.startsWith("Someone with"))!;
    expect(secondFactor.text).toContain("very likely knows your password");
    expect(secondFactor.text).toContain("change your password");
  });
});

describe("isFirstSession (the home page's Welcome)", () => {
  const insertEvent = async (userId: string, type: string, createdAt: Date) =>
    (await import("@/db/queries/security-events")).insertSecurityEvent({ userId, type, createdAt, ip: null, userAgent: null, detail: "{}" });

  it("is the sign-up's session until a later session begins after a sign-in", async () => {
    const id = await newUser();
    const t0 = new Date(Date.now() - 60_000);
    await insertEvent(id, "account.created", t0);
    // Sign-up's own sign-in is logged right after its session is made (same millisecond or later).
    const signUpSession = new Date(t0.getTime() + 5);
    await insertEvent(id, "signin.succeeded", signUpSession);
    expect(await audit.isFirstSession(id, signUpSession)).toBe(true);
    const nextSession = new Date(t0.getTime() + 30_000);
    await insertEvent(id, "signin.succeeded", nextSession);
    expect(await audit.isFirstSession(id, nextSession)).toBe(false);
    // The sign-up's session stays the first one, even after others began.
    expect(await audit.isFirstSession(id, signUpSession)).toBe(true);
  });

  it("is not new once the account's creation has left the log", async () => {
    const id = await newUser();
    const session = new Date();
    await insertEvent(id, "signin.succeeded", session);
    expect(await audit.isFirstSession(id, session)).toBe(false);
  });
});
