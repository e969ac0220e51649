import { randomUUID } from "node:crypto";
import { and, count, eq, getTableName, inArray, type Table } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";

// Deleting an account and changing its password, through the query functions the app calls, on
// SQLite and (vitest.postgres.config.mts) on PostgreSQL: one transaction each, nothing of the
// deleted account left in any table, nothing of another account touched, and a password change
// that loses to a concurrent one says so.
process.env.AUTH_SECRET = "account-both-secret-".padEnd(48, "a");
process.env.DATABASE_POOL_SIZE = "12";

let client: typeof import("@/db/client");
let schema: typeof import("@/db/schema");
let pgSchema: typeof import("@/db/schema/postgres");
let q: {
  users: typeof import("./users");
  sessions: typeof import("./sessions");
  totp: typeof import("./totp");
  webauthn: typeof import("./webauthn");
  recovery: typeof import("./recovery-codes");
  reset: typeof import("./password-reset");
  emailTokens: typeof import("./email-tokens");
  identities: typeof import("./linked-identities");
  recoveries: typeof import("./account-recoveries");
  mail: typeof import("./mail-outbox");
  rateLimits: typeof import("./rate-limits");
  events: typeof import("./security-events");
};

beforeAll(async () => {
  await useFreshDatabase("account");
  client = await import("@/db/client");
  schema = await import("@/db/schema");
  pgSchema = await import("@/db/schema/postgres");
  q = {
    users: await import("./users"),
    sessions: await import("./sessions"),
    totp: await import("./totp"),
    webauthn: await import("./webauthn"),
    recovery: await import("./recovery-codes"),
    reset: await import("./password-reset"),
    emailTokens: await import("./email-tokens"),
    identities: await import("./linked-identities"),
    recoveries: await import("./account-recoveries"),
    mail: await import("./mail-outbox"),
    rateLimits: await import("./rate-limits"),
    events: await import("./security-events"),
  };
});

afterAll(async () => {
  await client.closeDb();
});

const now = () => new Date();

function mailRow(userId: string | null, to: string, kind = "test") {
  return {
    id: randomUUID(), userId, kind, toAddress: to, subject: "s", textBody: "t", htmlBody: "h",
    status: "pending" as const, attempts: 0, nextAttemptAt: now(), lastError: null, createdAt: now(), sentAt: null,
  };
}

async function newSession(userId: string): Promise<string> {
  const id = randomUUID();
  await q.sessions.insertSession({
    id, userId, tokenHash: `token-${id}`, createdAt: now(), lastSeenAt: now(), expiresAt: new Date(Date.now() + 3_600_000),
    authenticatedAt: now(), secondFactorDueSince: null, amr: "[]", ip: null, userAgent: null,
  });
  return id;
}

/** An account with a row in every table that can hold one of its rows. */
async function fullAccount(): Promise<{ id: string; email: string; sessionIds: string[] }> {
  const id = randomUUID();
  const email = `${id}@example.test`;
  expect(await q.users.insertUser({ id, email, passwordHash: `hash-${id}`, createdAt: now() })).toBe(true);
  const sessionIds = [await newSession(id), await newSession(id)];
  await q.totp.insertTotpCredential({ id: randomUUID(), userId: id, name: "Authenticator app", secretCiphertext: "sealed", lastUsedStep: null, createdAt: now(), lastUsedAt: null }, 10);
  for (const n of [1, 2]) {
    await q.webauthn.insertWebAuthnCredential({
      id: `cred-${id}-${n}`, userId: id, name: `key ${n}`, publicKey: Buffer.from([1, 2, 3]), counter: 0, transports: "[]",
      deviceType: "singleDevice", backedUp: false, isPasskey: n === 2, aaguid: null, createdAt: now(), lastUsedAt: null,
    });
  }
  // An active set and a pending one.
  const active = randomUUID();
  const codes = (set: string) => Array.from({ length: 10 }, (_, i) => ({ position: i + 1, codeHash: `code-${set}-${i}`, keyId: "k1" }));
  await q.recovery.replacePendingRecoveryCodeSet({ id: active, userId: id, sessionId: sessionIds[0], createdAt: now() }, codes(active));
  await q.recovery.activateRecoveryCodeSet({ userId: id, setId: active, sessionId: sessionIds[0], createdAfter: new Date(0), now: now() });
  const pending = randomUUID();
  await q.recovery.replacePendingRecoveryCodeSet({ id: pending, userId: id, sessionId: sessionIds[1], createdAt: now() }, codes(pending));
  await q.reset.replacePasswordResetToken({
    tokenHash: `reset-${id}`, userId: id, passwordFingerprint: "f", createdAt: now(), expiresAt: new Date(Date.now() + 1_800_000),
    secondFactorMethod: null, secondFactorAt: null,
  });
  await q.emailTokens.replaceEmailToken({
    tokenHash: `email-${id}`, userId: id, purpose: "verify", email, createdAt: now(), expiresAt: new Date(Date.now() + 86_400_000),
  });
  await q.identities.insertLinkedIdentity({
    id: randomUUID(), userId: id, provider: "oidc", issuer: "https://id.example.test", subject: `sub-${id}`, email, createdAt: now(), lastUsedAt: null,
  });
  await q.recoveries.replaceRequestedAccountRecovery({
    userId: id, tokenHash: `recovery-${id}`, status: "requested", createdAt: now(), expiresAt: new Date(Date.now() + 3_600_000),
    startedAt: null, finishableAt: null, reminderDueAt: null, reminderSentAt: null,
  });
  await q.mail.insertMail(mailRow(id, email));
  await q.mail.insertMail({ ...mailRow(id, email), status: "sent", sentAt: now() });
  for (const [bucket, key] of ACCOUNT_KEYS({ id, email })) {
    await q.rateLimits.updateRateLimit(bucket, key, () => ({
      row: { bucket, key, attempts: 3, windowStartedAt: now(), lockedUntil: null, lastAttemptAt: now() },
      result: undefined,
    }));
  }
  for (const type of ["account.created", "signin.succeeded", "totp.enabled"]) {
    await q.events.insertSecurityEvent({ userId: id, type, createdAt: now(), ip: "192.0.2.1", userAgent: "vitest", detail: "{}" });
  }
  return { id, email, sessionIds };
}

const ACCOUNT_KEYS = (a: { id: string; email: string }) =>
  [
    ["signInAccount", a.email],
    ["secondFactorAccount", a.id],
    ["passwordResetAddress", a.email],
    ["emailVerificationAccount", a.id],
    ["emailChangeAccount", a.id],
    ["accountRecoveryAccount", a.id],
  ] as const;

/**
 * Every row of the account, table by table, found through the schema itself: each table with a
 * user_id column, plus those that reach the account another way. A new table with a user_id is
 * counted without anyone remembering to add it here; a new table without one fails below until
 * someone says how it relates to an account.
 */
const REACHED_OTHERWISE = ["rate_limits", "recovery_codes", "webauthn_spent_challenges"];

async function rowsOf(account: { id: string; email: string }, setIds: string[]): Promise<Record<string, number>> {
  const db = await client.getDb();
  const counts: Record<string, number> = {};
  for (const table of Object.values(schema)) {
    const name = getTableName(table as Table);
    const userId = (table as unknown as { userId?: unknown }).userId;
    if (userId) {
      const [row] = await db.select({ n: count() }).from(table as typeof schema.sessions).where(eq(userId as typeof schema.sessions.userId, account.id));
      counts[name] = row.n;
    } else if (name === "users") {
      const [row] = await db.select({ n: count() }).from(schema.users).where(eq(schema.users.id, account.id));
      counts[name] = row.n;
    } else {
      expect(REACHED_OTHERWISE, `how does ${name} relate to an account?`).toContain(name);
    }
  }
  counts.rate_limits = 0;
  for (const [bucket, key] of ACCOUNT_KEYS(account)) {
    const [row] = await db.select({ n: count() }).from(schema.rateLimits).where(and(eq(schema.rateLimits.bucket, bucket), eq(schema.rateLimits.key, key)));
    counts.rate_limits += row.n;
  }
  const [codes] = await db.select({ n: count() }).from(schema.recoveryCodes).where(inArray(schema.recoveryCodes.setId, setIds));
  counts.recovery_codes = codes.n;
  return counts;
}

async function setIdsOf(userId: string): Promise<string[]> {
  const db = await client.getDb();
  const rows = await db.select({ id: schema.recoveryCodeSets.id }).from(schema.recoveryCodeSets).where(eq(schema.recoveryCodeSets.userId, userId));
  return rows.map((r) => r.id);
}

describe("deleteUserAccount", () => {
  it("the schema's tables are the ones this test knows (postgres and the runtime schema alike)", () => {
    const names = Object.values(pgSchema).map((t) => getTableName(t as Table)).sort();
    expect(Object.values(schema).map((t) => getTableName(t as Table)).sort()).toEqual(names);
  });

  it("empties every table of the account's rows in one transaction, queues the farewell mail, and leaves other accounts alone", async () => {
    const doomed = await fullAccount();
    const bystander = await fullAccount();
    const doomedSets = await setIdsOf(doomed.id);
    const bystanderSets = await setIdsOf(bystander.id);
    const bystanderBefore = await rowsOf(bystander, bystanderSets);
    const before = await rowsOf(doomed, doomedSets);
    expect(Object.values(before).every((n) => n > 0), JSON.stringify(before)).toBe(true);

    const farewell = { ...mailRow(null, doomed.email, "account_deleted"), userId: null };
    const removed = await q.users.deleteUserAccount({ userId: doomed.id, email: doomed.email, rateLimits: ACCOUNT_KEYS(doomed), farewell });
    expect(removed).toEqual({
      sessions: 2, totpCredentials: 1, webauthnCredentials: 2, recoveryCodeSets: 2, recoveryCodes: 20,
      passwordResetTokens: 1, emailTokens: 1, linkedIdentities: 1, accountRecoveries: 1, mails: 2, rateLimits: 6, securityEvents: 3,
    });

    const after = await rowsOf(doomed, doomedSets);
    expect(Object.entries(after).filter(([, n]) => n !== 0), "rows left of the deleted account").toEqual([]);
    expect(await rowsOf(bystander, bystanderSets)).toEqual(bystanderBefore);
    expect(await q.users.findUserByEmail(doomed.email)).toBeUndefined();
    expect(await q.sessions.findSessionByTokenHash(`token-${doomed.sessionIds[0]}`)).toBeUndefined();

    // The farewell mail outlives the account, pending like any other mail.
    const db = await client.getDb();
    const [queued] = await db.select().from(schema.mailOutbox).where(eq(schema.mailOutbox.id, farewell.id));
    expect(queued).toMatchObject({ userId: null, toAddress: doomed.email, kind: "account_deleted", status: "pending" });
    expect(await q.mail.listDueMailIds(new Date(Date.now() + 1000), 1000)).toContain(farewell.id);
  });

  it("deletes nothing, and queues nothing, for an address that isn't the account's or an account that is gone", async () => {
    const account = await fullAccount();
    const sets = await setIdsOf(account.id);
    const before = await rowsOf(account, sets);
    const farewell = { ...mailRow(null, account.email, "account_deleted"), userId: null };
    expect(await q.users.deleteUserAccount({ userId: account.id, email: "someone-else@example.test", rateLimits: ACCOUNT_KEYS(account), farewell })).toBeNull();
    expect(await q.users.deleteUserAccount({ userId: randomUUID(), email: account.email, rateLimits: [], farewell })).toBeNull();
    expect(await rowsOf(account, sets)).toEqual(before);
    const db = await client.getDb();
    expect(await db.select().from(schema.mailOutbox).where(eq(schema.mailOutbox.id, farewell.id))).toEqual([]);
  });

  it("rolls back entirely when a statement fails: the account stays whole", async () => {
    const account = await fullAccount();
    const sets = await setIdsOf(account.id);
    const before = await rowsOf(account, sets);
    // The farewell row reuses the id of another account's mail: its insert, the last statement, fails.
    const other = await fullAccount();
    const otherMail = mailRow(other.id, other.email);
    await q.mail.insertMail(otherMail);
    const clash = { ...mailRow(null, account.email, "account_deleted"), id: otherMail.id, userId: null };
    await expect(
      q.users.deleteUserAccount({ userId: account.id, email: account.email, rateLimits: ACCOUNT_KEYS(account), farewell: clash }),
    ).rejects.toThrow();
    expect(await rowsOf(account, sets)).toEqual(before);
  });

  it("of concurrent deletions of one account, exactly one reports what it removed", async () => {
    const account = await fullAccount();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        q.users.deleteUserAccount({
          userId: account.id, email: account.email, rateLimits: ACCOUNT_KEYS(account),
          farewell: { ...mailRow(null, account.email, "account_deleted"), userId: null },
        }),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const db = await client.getDb();
    const farewells = await db.select({ id: schema.mailOutbox.id }).from(schema.mailOutbox).where(eq(schema.mailOutbox.toAddress, account.email));
    expect(farewells).toHaveLength(1);
  });
});

describe("changePasswordHash", () => {
  it("replaces the hash, ends the reset link and every other session, and keeps this one", async () => {
    const account = await fullAccount();
    const [keep, other] = account.sessionIds;
    const changed = await q.users.changePasswordHash({ userId: account.id, oldHash: `hash-${account.id}`, newHash: "new-hash", keepSessionId: keep });
    expect(changed).toEqual({ sessionsEnded: 1, resetLinksEnded: 1 });
    expect((await q.users.findUserById(account.id))?.passwordHash).toBe("new-hash");
    expect(await q.sessions.findSessionByTokenHash(`token-${keep}`)).toBeDefined();
    expect(await q.sessions.findSessionByTokenHash(`token-${other}`)).toBeUndefined();
    expect(await q.reset.findPasswordReset(`reset-${account.id}`, now())).toBeUndefined();
  });

  it("is a compare-and-set: of concurrent changes from the same old hash exactly one wins", async () => {
    const account = await fullAccount();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        q.users.changePasswordHash({ userId: account.id, oldHash: `hash-${account.id}`, newHash: `new-${i}`, keepSessionId: account.sessionIds[0] }),
      ),
    );
    const winners = results.flatMap((r, i) => (r ? [i] : []));
    expect(winners).toHaveLength(1);
    expect((await q.users.findUserById(account.id))?.passwordHash).toBe(`new-${winners[0]}`);
  });

  it("changes nothing when the hash moved on meanwhile or the asking session is gone", async () => {
    const account = await fullAccount();
    const [keep, other] = account.sessionIds;
    expect(await q.users.changePasswordHash({ userId: account.id, oldHash: "stale", newHash: "x", keepSessionId: keep })).toBeNull();
    await q.sessions.deleteSession(keep);
    expect(await q.users.changePasswordHash({ userId: account.id, oldHash: `hash-${account.id}`, newHash: "x", keepSessionId: keep })).toBeNull();
    // Nor may another account's session stand in for it.
    const stranger = await fullAccount();
    expect(await q.users.changePasswordHash({ userId: account.id, oldHash: `hash-${account.id}`, newHash: "x", keepSessionId: stranger.sessionIds[0] })).toBeNull();
    expect((await q.users.findUserById(account.id))?.passwordHash).toBe(`hash-${account.id}`);
    expect(await q.sessions.findSessionByTokenHash(`token-${other}`)).toBeDefined();
    expect(await q.reset.findPasswordReset(`reset-${account.id}`, now())).toBeDefined();
  });
});
