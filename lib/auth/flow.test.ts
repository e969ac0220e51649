import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cookieJar as jar } from "@/test/next-headers";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// Who may reach what, on a real SQLite file: sessions are made by the real session module, the
// account's available AAL comes from its real second-factor rows. Only the request scope
// (next/headers, for the cookie a rotation sets) is stood in for.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-flow-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.OUTBOX_DIR = path.join(dir, "outbox");
process.env.AUTH_SECRET = "flow-test-secret-".padEnd(48, "f");
delete process.env.PRIVILEGED_SESSION_MAX_AGE;
delete process.env.SESSION_MAX_AGE;
delete process.env.SESSION_IDLE_TIMEOUT;
delete process.env.SMTP_URL;

vi.mock("next/headers", () => import("@/test/next-headers"));

let flow: typeof import("./flow");
let sessions: typeof import("./session");
let users: typeof import("@/db/queries/users");
let sqlite: () => import("better-sqlite3").Database;

beforeAll(async () => {
  flow = await import("./flow");
  sessions = await import("./session");
  users = await import("@/db/queries/users");
  const client = await import("@/db/client");
  await openSqlite();
  sqlite = () => rawSqlite();
});

beforeEach(() => jar.clear());

const T = new Date("2027-03-01T10:00:00Z");
const at = (minutes: number, seconds = 0) => new Date(T.getTime() + minutes * 60_000 + seconds * 1000);
const CLIENT = { ip: "192.0.2.7", userAgent: "vitest" };

let count = 0;
async function account(options: { totp: boolean }): Promise<string> {
  const id = `flow-user-${++count}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: T });
  if (options.totp) addTotp(id);
  return id;
}

function addTotp(userId: string) {
  sqlite().prepare("INSERT INTO totp_credentials (id, user_id, secret_ciphertext, created_at) VALUES (?, ?, 'x', 0)").run(`totp-${userId}`, userId);
}

/** A session row made as a sign-in makes it, read back as a request would see it at `now`. */
async function signIn(userId: string, complete: boolean, now = T) {
  const token = await sessions.createSession({ userId, method: "password", complete, client: CLIENT }, now);
  return (await sessions.validateSessionToken(token, now))!;
}

async function step(session: import("./session").Session, step: import("./session").CompletedStep, now: Date) {
  const token = await sessions.recordAuthenticationStep(session, step, now);
  return (await sessions.validateSessionToken(token!, now))!;
}

describe("accessFor and mayCompleteSecondFactor", () => {
  it("anonymous: no session reaches nothing, not even the second step", async () => {
    const access = await flow.accessFor(null, T);
    expect(access).toEqual({ kind: "anonymous" });
    expect(flow.mayCompleteSecondFactor(access, T)).toBe(false);
  });

  it("a fresh sign-in of an account with a second factor is due its second factor, for 10 minutes", async () => {
    const session = await signIn(await account({ totp: true }), false);
    const access = await flow.accessFor(session, T);
    expect(access).toMatchObject({ kind: "second_factor_due", availableAal: "aal2" });
    expect(session.authenticatedAt).toBeNull();
    expect(flow.mayCompleteSecondFactor(access, at(9, 59))).toBe(true);
    expect(flow.mayCompleteSecondFactor(access, at(10))).toBe(false);
  });

  it("an account without a second factor is signed in by its password, privileged for 15 minutes, with no step to complete", async () => {
    const session = await signIn(await account({ totp: false }), true);
    expect(await flow.accessFor(session, at(14, 59))).toMatchObject({ kind: "signed_in", availableAal: "aal1", privileged: true });
    const later = await flow.accessFor(session, at(15));
    expect(later).toMatchObject({ kind: "signed_in", privileged: false });
    expect(flow.mayCompleteSecondFactor(later, at(15))).toBe(false);
  });

  it("the second factor completes a sign-in: signed in at aal2, privileged, no step left", async () => {
    const half = await signIn(await account({ totp: true }), false);
    const full = await step(half, { method: "totp", effect: "complete" }, at(2));
    expect(full.aal).toBe("aal2");
    const access = await flow.accessFor(full, at(2));
    expect(access).toMatchObject({ kind: "signed_in", availableAal: "aal2", privileged: true });
    expect(flow.mayCompleteSecondFactor(access, at(2))).toBe(false);
    expect(await flow.accessFor(full, at(16, 59))).toMatchObject({ privileged: true });
    expect(await flow.accessFor(full, at(17))).toMatchObject({ privileged: false });
  });

  it("a re-authentication's password opens the second step for 10 minutes; the session stays signed in, unprivileged", async () => {
    const half = await signIn(await account({ totp: true }), false);
    const full = await step(half, { method: "totp", effect: "complete" }, at(1));
    const reauth = await step(full, { method: "password", effect: "first_factor" }, at(30));
    expect(reauth.authenticatedAt).toEqual(at(1));
    const access = await flow.accessFor(reauth, at(30));
    expect(access).toMatchObject({ kind: "signed_in", privileged: false });
    expect(flow.mayCompleteSecondFactor(access, at(39, 59))).toBe(true);
    expect(flow.mayCompleteSecondFactor(access, at(40))).toBe(false);
    // Lapsing ends the step, not the session: its earlier authentication was complete.
    expect(await sessions.validateSessionToken(jar.get(sessions.sessionCookieName())!, at(40))).toMatchObject({ id: reauth.id });
  });

  it("a session complete at aal1 before the account gained a factor must step up, with no time limit", async () => {
    const userId = await account({ totp: false });
    const session = await signIn(userId, true);
    expect(await flow.accessFor(session, T)).toMatchObject({ kind: "signed_in", availableAal: "aal1" });
    addTotp(userId);
    const access = await flow.accessFor(session, at(45));
    expect(access).toMatchObject({ kind: "second_factor_due", availableAal: "aal2" });
    expect(session.secondFactorDueSince).toBeNull();
    expect(flow.mayCompleteSecondFactor(access, at(45))).toBe(true);
  });
});
