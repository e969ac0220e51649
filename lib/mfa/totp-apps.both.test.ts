import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totp } from "@/e2e/support/totp";
import { useFreshDatabase } from "@/test/database";

// Several authenticator apps on one account, through lib/mfa/totp.ts, on SQLite and (in the
// PostgreSQL pass) PostgreSQL, where the racers run on a pool of connections at once, as several
// app servers would: each app's replay claim is its own conditional UPDATE.
process.env.AUTH_SECRET = "totp-apps-secret-".padEnd(48, "t");
process.env.DATABASE_POOL_SIZE = "12";

let totpModule: typeof import("./totp");
let users: typeof import("@/db/queries/users");
let client: typeof import("@/db/client");

beforeAll(async () => {
  await useFreshDatabase("totp_apps");
  totpModule = await import("./totp");
  users = await import("@/db/queries/users");
  client = await import("@/db/client");
});

afterAll(async () => {
  await client.closeDb();
});

async function newUser(): Promise<string> {
  const id = randomUUID();
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: new Date() });
  return id;
}

/** Begins and confirms an app at `at`; returns its secret, or the refusal. */
async function enrol(userId: string, sessionId: string, name: string, at: Date) {
  const enrolment = await totpModule.beginTotpEnrolment(userId, sessionId, `${userId}@example.test`, name);
  const secret = enrolment.setupKey.replaceAll(" ", "");
  const outcome = await totpModule.confirmTotpEnrolment(enrolment.sealed, totp(secret, at.getTime()), userId, sessionId, at);
  return { secret, outcome };
}

describe("several authenticator apps", () => {
  it("two apps enrolled at once (two sessions) are both added, with their own secrets", async () => {
    const userId = await newUser();
    const at = new Date("2026-11-04T09:00:00Z");
    const [a, b] = await Promise.all([enrol(userId, "session-a", "Phone", at), enrol(userId, "session-b", "Tablet", at)]);
    expect([a.outcome, b.outcome]).toEqual([{ ok: true, name: "Phone" }, { ok: true, name: "Tablet" }]);
    expect(a.secret).not.toBe(b.secret);
    expect((await totpModule.listTotpApps(userId)).map((app) => app.name).sort()).toEqual(["Phone", "Tablet"]);
  });

  it("a code from app A raced with a code from app B: each step is accepted once per app", async () => {
    const userId = await newUser();
    const enrolledAt = new Date("2026-11-04T10:00:00Z");
    const a = await enrol(userId, "s", "Phone", enrolledAt);
    const b = await enrol(userId, "s", "Tablet", enrolledAt);
    const now = new Date(enrolledAt.getTime() + 90_000);
    const codeA = totp(a.secret, now.getTime());
    const codeB = totp(b.secret, now.getTime());
    // 12 requests with A's code and 12 with B's, all started before any is awaited.
    const racers = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? codeA : codeB));
    const outcomes = await Promise.all(racers.map((code) => totpModule.verifyTotp(userId, code, now)));
    const accepted = outcomes.filter((o) => o.ok).map((o) => o.detail?.app);
    expect(accepted.sort()).toEqual(["Phone", "Tablet"]);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.reason === "replayed")).toBe(true);
    // The step is spent for both apps now, but the next step of either is fresh.
    expect(await totpModule.verifyTotp(userId, codeA, now)).toMatchObject({ ok: false, reason: "replayed", detail: { app: "Phone" } });
    const next = new Date(now.getTime() + 30_000);
    expect(await totpModule.verifyTotp(userId, totp(b.secret, next.getTime()), next)).toEqual({ ok: true, detail: { app: "Tablet" } });
  });

  it("one enrolment confirmed twice at once adds one app", async () => {
    const userId = await newUser();
    const at = new Date("2026-11-04T11:00:00Z");
    const enrolment = await totpModule.beginTotpEnrolment(userId, "s", `${userId}@example.test`, "Phone");
    const code = totp(enrolment.setupKey.replaceAll(" ", ""), at.getTime());
    const outcomes = await Promise.all([1, 2].map(() => totpModule.confirmTotpEnrolment(enrolment.sealed, code, userId, "s", at)));
    expect(outcomes).toContainEqual({ ok: true, name: "Phone" });
    expect(outcomes).toContainEqual({ ok: false, reason: "duplicate" });
    expect(await totpModule.listTotpApps(userId)).toHaveLength(1);
  });
});
