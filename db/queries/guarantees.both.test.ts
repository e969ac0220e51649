import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";

// The database's guarantees, through the same query functions the app calls, on SQLite and (in
// the PostgreSQL pass, vitest.postgres.config.mts) on PostgreSQL. On PostgreSQL the racers run on
// a pool of connections at once, as several app servers would; single use has to come from the
// statements themselves.
process.env.AUTH_SECRET = "guarantees-secret-".padEnd(48, "g");
process.env.DATABASE_POOL_SIZE = "12";

const RACERS = 24;
let dialect: "sqlite" | "postgres";
let q: {
  users: typeof import("./users");
  totp: typeof import("./totp");
  recovery: typeof import("./recovery-codes");
  webauthn: typeof import("./webauthn");
  reset: typeof import("./password-reset");
  rateLimits: typeof import("./rate-limits");
  mail: typeof import("./mail-outbox");
  events: typeof import("./security-events");
  sessions: typeof import("./sessions");
};
let client: typeof import("@/db/client");

beforeAll(async () => {
  dialect = await useFreshDatabase("guarantees");
  client = await import("@/db/client");
  q = {
    users: await import("./users"),
    totp: await import("./totp"),
    recovery: await import("./recovery-codes"),
    webauthn: await import("./webauthn"),
    reset: await import("./password-reset"),
    rateLimits: await import("./rate-limits"),
    mail: await import("./mail-outbox"),
    events: await import("./security-events"),
    sessions: await import("./sessions"),
  };
});

afterAll(async () => {
  await client.closeDb();
});

async function newUser(): Promise<string> {
  const id = randomUUID();
  expect(await q.users.insertUser({ id, email: `${id}@example.test`, passwordHash: `hash-${id}`, createdAt: new Date() })).toBe(true);
  return id;
}

const mailRow = (userId: string, kind: string, now: Date) => ({
  id: randomUUID(),
  userId,
  kind,
  toAddress: "someone@example.test",
  subject: "s",
  textBody: "t",
  htmlBody: "h",
  status: "pending" as const,
  attempts: 0,
  nextAttemptAt: now,
  lastError: null,
  createdAt: now,
  sentAt: null,
});

/** Starts every racer before awaiting any, and counts the winners. */
async function race<T>(run: (racer: number) => Promise<T>, won: (result: T) => boolean): Promise<number> {
  const results = await Promise.all(Array.from({ length: RACERS }, (_, racer) => run(racer)));
  return results.filter(won).length;
}

describe(`single use (${RACERS} concurrent attempts, exactly one wins)`, () => {
  it("a TOTP time step", async () => {
    const userId = await newUser();
    const app = randomUUID();
    await q.totp.insertTotpCredential({ id: app, userId, name: "Phone", secretCiphertext: "sealed", lastUsedStep: null, createdAt: new Date(), lastUsedAt: null }, 10);
    expect(await race(() => q.totp.claimTotpStep(userId, app, 59_000_000, new Date()), Boolean)).toBe(1);
    expect(await q.totp.claimTotpStep(userId, app, 59_000_000, new Date())).toBe(false);
    expect(await q.totp.claimTotpStep(userId, app, 59_000_001, new Date())).toBe(true);
  });

  it("a TOTP time step per app: two apps of one account race, each step is taken once per app", async () => {
    const userId = await newUser();
    const [a, b] = [randomUUID(), randomUUID()];
    for (const id of [a, b]) {
      await q.totp.insertTotpCredential({ id, userId, name: id, secretCiphertext: "sealed", lastUsedStep: null, createdAt: new Date(), lastUsedAt: null }, 10);
    }
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, racer) => (racer % 2 === 0 ? a : b)).map(async (app) => ({ app, won: await q.totp.claimTotpStep(userId, app, 59_000_000, new Date()) })),
    );
    expect(results.filter((r) => r.won && r.app === a)).toHaveLength(1);
    expect(results.filter((r) => r.won && r.app === b)).toHaveLength(1);
    // Another account's app id can't be claimed through this account.
    const other = await newUser();
    expect(await q.totp.claimTotpStep(other, a, 59_000_005, new Date())).toBe(false);
  });

  it("an authenticator app cap: concurrent enrolments can't pass it together", async () => {
    const userId = await newUser();
    const row = (id: string) => ({ id, userId, name: id, secretCiphertext: "sealed", lastUsedStep: null, createdAt: new Date(), lastUsedAt: null });
    const outcomes = await Promise.all(Array.from({ length: RACERS }, () => q.totp.insertTotpCredential(row(randomUUID()), 3)));
    expect(outcomes.filter((o) => o === "inserted")).toHaveLength(3);
    expect(await q.totp.countTotpCredentials(userId)).toBe(3);
    // The same enrolment confirmed twice adds one app.
    const again = await newUser();
    const id = randomUUID();
    const twice = await Promise.all([1, 2].map(() => q.totp.insertTotpCredential({ ...row(id), userId: again }, 3)));
    expect(twice.sort()).toEqual(["duplicate", "inserted"]);
  });

  it("a recovery code", async () => {
    const userId = await newUser();
    const setId = randomUUID();
    const sessionId = randomUUID();
    const codes = Array.from({ length: 10 }, (_, i) => ({ position: i + 1, codeHash: `code-${setId}-${i + 1}`, keyId: "k1" }));
    await q.recovery.replacePendingRecoveryCodeSet({ id: setId, userId, sessionId, createdAt: new Date() }, codes);
    expect(await q.recovery.activateRecoveryCodeSet({ userId, setId, sessionId, createdAfter: new Date(0), now: new Date() })).toEqual({ activated: true, replacedPrevious: false });
    const claim = () => q.recovery.claimRecoveryCode({ userId, codeHash: `code-${setId}-4`, keyId: "k1", usedAt: new Date() });
    expect(await race(claim, (row) => row !== undefined)).toBe(1);
    expect(await q.recovery.countUnusedRecoveryCodes(setId)).toBe(9);
  });

  it("a WebAuthn challenge", async () => {
    const hash = `challenge-${randomUUID()}`;
    const expires = new Date(Date.now() + 60_000);
    expect(await race(() => q.webauthn.insertSpentChallenge(hash, expires), Boolean)).toBe(1);
  });

  it("a password reset link", async () => {
    const userId = await newUser();
    const tokenHash = `reset-${randomUUID()}`;
    const now = new Date();
    await q.reset.replacePasswordResetToken({
      tokenHash,
      userId,
      passwordFingerprint: "fp",
      createdAt: now,
      expiresAt: new Date(now.getTime() + 30 * 60_000),
      secondFactorMethod: null,
      secondFactorAt: null,
    });
    const consume = (racer: number) =>
      q.reset.consumePasswordReset({
        tokenHash,
        passwordFingerprint: "fp",
        oldPasswordHash: `hash-${userId}`,
        newPasswordHash: `new-hash-${racer}`,
        secondFactorRequired: false,
        now,
      });
    expect(await race(consume, (row) => row !== null)).toBe(1);
    expect((await q.users.findUserById(userId))?.passwordHash).toMatch(/^new-hash-\d+$/);
  });

  it("a queued mail is claimed by one worker", async () => {
    const userId = await newUser();
    const now = new Date();
    const mail = mailRow(userId, "test", now);
    await q.mail.insertMail(mail);
    const claim = () => q.mail.claimMail(mail.id, now, new Date(now.getTime() + 60_000));
    expect(await race(claim, (row) => row !== undefined)).toBe(1);
  });

  it("an alert mail is queued once however many requests raise it", async () => {
    const userId = await newUser();
    const now = new Date();
    const queue = () => q.mail.insertMailUnlessQueuedSince(mailRow(userId, "signin.failures_alert", now), new Date(now.getTime() - 3_600_000));
    expect(await race(queue, Boolean)).toBe(1);
    expect(await q.mail.countMailsByStatus(userId)).toEqual({ pending: 1, sent: 0, failed: 0 });
  });
});

describe("transactions", () => {
  it("a counter spent concurrently loses no attempt", async () => {
    const key = `key-${randomUUID()}`;
    const now = new Date();
    const spend = () =>
      q.rateLimits.updateRateLimit("test", key, (current) => {
        const attempts = (current?.attempts ?? 0) + 1;
        return { row: { bucket: "test", key, attempts, windowStartedAt: now, lockedUntil: null, lastAttemptAt: now }, result: attempts };
      });
    const seen = await Promise.all(Array.from({ length: RACERS }, spend));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: RACERS }, (_, i) => i + 1));
  });

  it("counters spent together lose no attempt and can't deadlock, whatever order they are named in", async () => {
    // As one attempt spends an account's and an address's counter: half the racers name them the
    // other way round, which on PostgreSQL deadlocks unless the locks are taken in one order.
    const keys = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    const now = new Date();
    const increment = (key: string) => (current: { attempts: number } | undefined) => {
      const attempts = (current?.attempts ?? 0) + 1;
      return { row: { bucket: "test", key, attempts, windowStartedAt: now, lockedUntil: null, lastAttemptAt: now }, result: [key, attempts] as const };
    };
    const spend = (racer: number) =>
      q.rateLimits.updateRateLimits((racer % 2 ? [...keys].reverse() : keys).map((key) => ({ bucket: "test", key, next: increment(key) })));
    const results = (await Promise.all(Array.from({ length: RACERS }, (_, racer) => spend(racer)))).flat();
    for (const key of keys) {
      const seen = results.filter(([k]) => k === key).map(([, attempts]) => attempts);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: RACERS }, (_, i) => i + 1));
    }
  });

  it("confirming recovery codes swaps the valid set in one step, once", async () => {
    const userId = await newUser();
    const sessionId = randomUUID();
    const first = randomUUID();
    await q.recovery.replacePendingRecoveryCodeSet({ id: first, userId, sessionId, createdAt: new Date() }, [{ position: 1, codeHash: `a-${first}`, keyId: "k1" }]);
    await q.recovery.activateRecoveryCodeSet({ userId, setId: first, sessionId, createdAfter: new Date(0), now: new Date() });
    const second = randomUUID();
    await q.recovery.replacePendingRecoveryCodeSet({ id: second, userId, sessionId, createdAt: new Date() }, [{ position: 1, codeHash: `b-${second}`, keyId: "k1" }]);
    const activate = () => q.recovery.activateRecoveryCodeSet({ userId, setId: second, sessionId, createdAfter: new Date(0), now: new Date() });
    const outcomes = await Promise.all(Array.from({ length: RACERS }, activate));
    expect(outcomes.filter((o) => o.activated)).toEqual([{ activated: true, replacedPrevious: true }]);
    expect((await q.recovery.findActiveRecoveryCodeSet(userId))?.id).toBe(second);
  });

  it("a failing step rolls the whole transaction back", async () => {
    const userId = await newUser();
    const sessionId = randomUUID();
    const setId = randomUUID();
    // Two codes at the same position violate the primary key after the set row was inserted.
    const duplicate = [{ position: 1, codeHash: "x", keyId: "k1" }, { position: 1, codeHash: "y", keyId: "k1" }];
    await expect(q.recovery.replacePendingRecoveryCodeSet({ id: setId, userId, sessionId, createdAt: new Date() }, duplicate)).rejects.toThrow();
    expect(await q.recovery.deletePendingRecoveryCodeSets(userId, sessionId)).toBe(0);
  });
});

describe("jobs", () => {
  it("housekeeping runs on one PostgreSQL-backed server at a time", async () => {
    const { withHousekeepingLock } = await import("./housekeeping");
    let release!: () => void;
    let started!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = withHousekeepingLock(async () => {
      started();
      await held;
      return "first";
    });
    // The first job holds the lock until released; a second one meanwhile…
    await running;
    const second = await withHousekeepingLock(async () => "second");
    release();
    expect(await first).toBe("first");
    // …is skipped on PostgreSQL; on SQLite (one machine) jobs may overlap.
    expect(second).toBe(dialect === "postgres" ? null : "second");
    expect(await withHousekeepingLock(async () => "after")).toBe("after");
  });
});

describe("rows read back as written", () => {
  it("times, bytes, booleans and a 32-bit signature counter", async () => {
    const userId = await newUser();
    const createdAt = new Date("2026-11-30T12:34:56.789Z");
    const publicKey = Buffer.from([0, 1, 2, 250, 255]);
    const row = {
      id: `cred-${randomUUID()}`,
      userId,
      name: "Key ✓",
      publicKey,
      counter: 4_294_967_295,
      transports: '["usb"]',
      deviceType: "singleDevice",
      backedUp: false,
      isPasskey: true,
      aaguid: null,
      createdAt,
      lastUsedAt: null,
    };
    expect(await q.webauthn.insertWebAuthnCredential(row)).toBe(true);
    expect(await q.webauthn.findWebAuthnCredential(row.id)).toEqual(row);
    expect(await q.webauthn.insertWebAuthnCredential(row)).toBe(false);
  });

  it("the security log refuses to be rewritten", async () => {
    const userId = await newUser();
    const id = await q.events.insertSecurityEvent({ userId, type: "signin.succeeded", createdAt: new Date(), ip: null, userAgent: null, detail: "{}" });
    expect(await q.events.countSecurityEventRepeat(userId, "signin.succeeded", new Date(0), new Date())).toBe(true);
    const { securityEvents } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    const db = await client.getDb();
    const refused: unknown = await db.update(securityEvents).set({ type: "signin.failed" }).where(eq(securityEvents.id, id)).then(() => null, (error: unknown) => error);
    // Drizzle wraps the driver's error; the trigger's words are in it or in its cause.
    expect(`${refused} ${(refused as Error | null)?.cause}`).toMatch(/never rewritten/);
    const [event] = await q.events.listSecurityEvents(userId, 5);
    expect(event).toMatchObject({ id, type: "signin.succeeded", repeatCount: 2 });
  });

  it("the per-request session lookup finds the session and its user", async () => {
    const userId = await newUser();
    const now = new Date();
    const session = {
      id: randomUUID(),
      userId,
      tokenHash: `token-${randomUUID()}`,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      authenticatedAt: now,
      secondFactorDueSince: null,
      amr: "[]",
      ip: "192.0.2.1",
      userAgent: null,
    };
    await q.sessions.insertSession(session);
    const later = new Date(now.getTime() + 5_000);
    await q.sessions.touchSession(session.id, later);
    expect(await q.sessions.findSessionByTokenHash(session.tokenHash)).toEqual({
      session: { ...session, lastSeenAt: later },
      user: { id: userId, email: `${userId}@example.test`, emailVerifiedAt: null },
    });
  });

  it(`runs on the dialect this pass is for`, () => {
    expect(client.currentDialect()).toBe(dialect);
    expect(dialect).toBe(process.env.TWOFOLD_TEST_DIALECT === "postgres" ? "postgres" : "sqlite");
  });
});
