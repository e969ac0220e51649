import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cookieJar as jar } from "@/test/next-headers";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// Session rotation and validity on a real SQLite file. A short absolute lifetime (3 h against the
// 1 h idle timeout) lets one test reach expiry while the session stays in use.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-session-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.AUTH_SECRET = "session-test-secret-".padEnd(48, "s");
process.env.SESSION_MAX_AGE = "10800";
process.env.SESSION_IDLE_TIMEOUT = "3600";

vi.mock("next/headers", () => import("@/test/next-headers"));

let sessions: typeof import("./session");
let sqlite: () => import("better-sqlite3").Database;

beforeAll(async () => {
  sessions = await import("./session");
  const users = await import("@/db/queries/users");
  const client = await import("@/db/client");
  await openSqlite();
  sqlite = () => rawSqlite();
  await users.insertUser({ id: "session-user", email: "session@example.test", passwordHash: "x", createdAt: new Date(0) });
});

beforeEach(() => jar.clear());

const T = new Date("2027-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
const CLIENT = { ip: "192.0.2.8", userAgent: "vitest" };

async function newSession(complete: boolean) {
  const token = await sessions.createSession({ userId: "session-user", method: "password", complete, client: CLIENT }, T);
  return { token, session: (await sessions.validateSessionToken(token, T))! };
}

const rowExists = (id: string) => sqlite().prepare("SELECT 1 FROM sessions WHERE id = ?").get(id) !== undefined;

describe("recordAuthenticationStep", () => {
  it("rotates the token: the new one is in the cookie and validates, the old one no longer does", async () => {
    const { token: old, session } = await newSession(false);
    const fresh = await sessions.recordAuthenticationStep(session, { method: "totp", effect: "complete" }, at(1));
    expect(fresh).toEqual(expect.any(String));
    expect(fresh).not.toBe(old);
    expect(jar.get(sessions.sessionCookieName())).toBe(fresh);
    expect(await sessions.validateSessionToken(old, at(1))).toBeNull();
    expect(await sessions.validateSessionToken(fresh!, at(1))).toMatchObject({ id: session.id, aal: "aal2" });
    // The row is still there: a stale token is refused, it doesn't end the session.
    expect(rowExists(session.id)).toBe(true);
  });

  it("of two rotations on the same old token, one wins and the other gets null", async () => {
    const { session } = await newSession(false);
    const results = await Promise.all([
      sessions.recordAuthenticationStep(session, { method: "totp", effect: "complete" }, at(1)),
      sessions.recordAuthenticationStep(session, { method: "lookup_secret", effect: "complete" }, at(1)),
    ]);
    expect(results.filter((token) => token !== null)).toHaveLength(1);
    const winner = (await sessions.validateSessionToken(results.find((t) => t !== null)!, at(1)))!;
    // The loser's method was not appended on top of the winner's.
    expect(winner.amr.map((e) => e.method)).toHaveLength(2);
    // A third try with the stale session (its token hash is the old one) loses too.
    expect(await sessions.recordAuthenticationStep(session, { method: "totp", effect: "complete" }, at(2))).toBeNull();
  });

  it('"enrolment" appends to the AMR but keeps authenticated_at and expires_at', async () => {
    const { session } = await newSession(true);
    const token = await sessions.recordAuthenticationStep(session, { method: "totp", effect: "enrolment" }, at(5));
    const after = (await sessions.validateSessionToken(token!, at(5)))!;
    expect(after.amr.map((e) => [e.method, e.completed_at])).toEqual([
      ["password", T.toISOString()],
      ["totp", at(5).toISOString()],
    ]);
    expect(after.aal).toBe("aal2");
    expect(after.authenticatedAt).toEqual(T);
    expect(after.expiresAt).toEqual(session.expiresAt);
    expect(after.secondFactorDueSince).toBeNull();
  });

  it('"complete" sets authenticated_at and ends the second step; "first_factor" opens it', async () => {
    const { session } = await newSession(false);
    expect(session.authenticatedAt).toBeNull();
    expect(session.secondFactorDueSince).toEqual(T);
    const done = (await sessions.validateSessionToken((await sessions.recordAuthenticationStep(session, { method: "totp", effect: "complete" }, at(3)))!, at(3)))!;
    expect(done.authenticatedAt).toEqual(at(3));
    expect(done.secondFactorDueSince).toBeNull();

    const reauth = (await sessions.validateSessionToken((await sessions.recordAuthenticationStep(done, { method: "password", effect: "first_factor" }, at(20)))!, at(20)))!;
    expect(reauth.authenticatedAt).toEqual(at(3));
    expect(reauth.secondFactorDueSince).toEqual(at(20));
  });

  it("no step extends expires_at", async () => {
    const { session } = await newSession(false);
    expect(session.expiresAt).toEqual(new Date(T.getTime() + 10800 * 1000));
    let current = session;
    const steps: Array<import("./session").CompletedStep> = [
      { method: "totp", effect: "complete" },
      { method: "webauthn", effect: "enrolment" },
      { method: "password", effect: "first_factor" },
      { method: "totp", effect: "complete" },
    ];
    for (const [i, step] of steps.entries()) {
      const token = await sessions.recordAuthenticationStep(current, step, at(10 * (i + 1)));
      current = (await sessions.validateSessionToken(token!, at(10 * (i + 1))))!;
      expect(current.expiresAt).toEqual(session.expiresAt);
    }
    const row = sqlite().prepare("SELECT expires_at AS expiresAt FROM sessions WHERE id = ?").get(session.id) as { expiresAt: number };
    expect(row.expiresAt).toBe(session.expiresAt.getTime());
  });
});

describe("validateSessionToken", () => {
  it("refuses an expired session, though in use, and deletes its row", async () => {
    const { token, session } = await newSession(true);
    for (const minutes of [50, 100, 150, 179]) expect(await sessions.validateSessionToken(token, at(minutes))).not.toBeNull();
    expect(await sessions.validateSessionToken(token, at(180))).toBeNull();
    expect(rowExists(session.id)).toBe(false);
  });

  it("refuses a session left idle for SESSION_IDLE_TIMEOUT", async () => {
    const { token, session } = await newSession(true);
    expect(await sessions.validateSessionToken(token, at(59))).not.toBeNull();
    // The use at 59 minutes counts: idle is measured from the last request.
    expect(await sessions.validateSessionToken(token, at(118))).not.toBeNull();
    // 178 minutes: a minute idle past the last use, still before the absolute lifetime ends at 180.
    expect(await sessions.validateSessionToken(token, at(178))).toBeNull();
    expect(rowExists(session.id)).toBe(false);
  });

  it("refuses a fresh sign-in whose second step lapsed after 10 minutes", async () => {
    const { token, session } = await newSession(false);
    expect(await sessions.validateSessionToken(token, at(9))).not.toBeNull();
    expect(await sessions.validateSessionToken(token, at(10))).toBeNull();
    expect(rowExists(session.id)).toBe(false);
  });

  it("refuses an empty, oversized or unknown token", async () => {
    expect(await sessions.validateSessionToken("", T)).toBeNull();
    expect(await sessions.validateSessionToken("x".repeat(129), T)).toBeNull();
    expect(await sessions.validateSessionToken("not-a-token", T)).toBeNull();
  });
});
