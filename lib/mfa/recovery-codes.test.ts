import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// Generation, confirmation, verification and removal against a real SQLite file, with a current
// and a previous AUTH_SECRET (key rotation).
const DATA_DIR = mkdtempSync(path.join(tmpdir(), "twofold-recovery-"));
process.env.DATABASE_PATH = path.join(DATA_DIR, "test.db");
process.env.AUTH_SECRET = "recovery-test-current-secret-".padEnd(48, "c");
process.env.AUTH_SECRET_PREVIOUS = "recovery-test-previous-secret-".padEnd(48, "p");

type RecoveryCodes = typeof import("./recovery-codes");
let rc: RecoveryCodes;
let mfa: typeof import("./index");
let removal: typeof import("./removal");
let users: typeof import("@/db/queries/users");
let client: typeof import("@/db/client");

beforeAll(async () => {
  rc = await import("./recovery-codes");
  mfa = await import("./index");
  removal = await import("./removal");
  users = await import("@/db/queries/users");
  client = await import("@/db/client");
  await openSqlite();
});

/** A pending set's binding: the session, on one page view (lib/security/page-view.ts). */
const at = (sessionId: string, view = "view-1") => ({ sessionId, view });

const NO_CLIENT = { ip: "192.0.2.1", userAgent: "vitest" };
let userCount = 0;
async function newUser() {
  const id = `user-${++userCount}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: new Date() });
  return id;
}

/** A user with a confirmed set; returns the codes as displayed. */
async function userWithCodes(sessionId = "session-a") {
  const userId = await newUser();
  const pending = await rc.beginRecoveryCodeSet(userId, at(sessionId));
  expect(await rc.confirmRecoveryCodeSet(pending.sealed, userId, at(sessionId))).toMatchObject({ ok: true });
  return { userId, codes: pending.codes };
}

const sqlite = () => rawSqlite();
const setsOf = (userId: string) =>
  sqlite().prepare("SELECT id, status, session_id AS sessionId FROM recovery_code_sets WHERE user_id = ? ORDER BY created_at").all(userId) as Array<{ id: string; status: string; sessionId: string | null }>;

/** The key lib/crypto/keys derives, recomputed independently (HKDF-SHA-256, RFC 5869). */
const derive = (secret: string) => Buffer.from(hkdfSync("sha256", secret, "twofold", "twofold/recovery-code-hmac/v1", 32));
const keyIdOf = (secret: string) => createHash("sha256").update(derive(secret)).digest("hex").slice(0, 8);
const keyIds = () => [keyIdOf(process.env.AUTH_SECRET!), keyIdOf(process.env.AUTH_SECRET_PREVIOUS!)];

describe("generating and confirming", () => {
  it("stores a new set as pending, bound to the session, until it is confirmed", async () => {
    const userId = await newUser();
    const pending = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    expect(pending.codes).toHaveLength(10);
    for (const code of pending.codes) expect(code).toMatch(/^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/);
    expect(setsOf(userId)).toEqual([expect.objectContaining({ status: "pending", sessionId: "session-1" })]);
    // Not valid yet.
    expect(await rc.verifyRecoveryCode(userId, pending.codes[0])).toEqual({ ok: false, reason: "invalid" });
    expect(await rc.recoveryCodesMethod.isEnrolled(userId)).toBe(false);

    expect(await rc.confirmRecoveryCodeSet(pending.sealed, userId, at("session-1"))).toEqual({ ok: true, replacedPrevious: false });
    expect(setsOf(userId)).toEqual([expect.objectContaining({ status: "active", sessionId: null })]);
    expect(await rc.recoveryCodesMethod.isEnrolled(userId)).toBe(true);
  });

  it("keeps the old set valid until the new one is confirmed, then replaces it in one step", async () => {
    const { userId, codes: oldCodes } = await userWithCodes();
    const next = await rc.beginRecoveryCodeSet(userId, at("session-a"));
    expect(await rc.verifyRecoveryCode(userId, next.codes[0])).toMatchObject({ ok: false });
    expect(await rc.verifyRecoveryCode(userId, oldCodes[0])).toMatchObject({ ok: true });

    expect(await rc.confirmRecoveryCodeSet(next.sealed, userId, at("session-a"))).toEqual({ ok: true, replacedPrevious: true });
    expect(setsOf(userId).map((s) => s.status)).toEqual(["active"]);
    expect(await rc.verifyRecoveryCode(userId, oldCodes[1])).toEqual({ ok: false, reason: "invalid" });
    expect(await rc.verifyRecoveryCode(userId, next.codes[1])).toMatchObject({ ok: true });
  });

  it("generating again discards the earlier pending set", async () => {
    const userId = await newUser();
    const first = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    const second = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    expect(setsOf(userId)).toHaveLength(1);
    expect(await rc.confirmRecoveryCodeSet(first.sealed, userId, at("session-1"))).toEqual({ ok: false, reason: "expired" });
    expect(await rc.confirmRecoveryCodeSet(second.sealed, userId, at("session-1"))).toMatchObject({ ok: true });
  });

  it("refuses a confirm from another session, another user, or after 15 minutes", async () => {
    const userId = await newUser();
    const other = await newUser();
    const pending = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    expect(await rc.confirmRecoveryCodeSet(pending.sealed, userId, at("session-2"))).toEqual({ ok: false, reason: "expired" });
    expect(await rc.confirmRecoveryCodeSet(pending.sealed, other, at("session-1"))).toEqual({ ok: false, reason: "expired" });
    const later = new Date(Date.now() + (rc.PENDING_SET_MAX_AGE_SECONDS + 1) * 1000);
    // The sealed form value carries its own expiry; the database checks the set's age as well.
    const staleInDb = await rc.beginRecoveryCodeSet(userId, at("session-1"), new Date(Date.now() - (rc.PENDING_SET_MAX_AGE_SECONDS + 1) * 1000));
    expect(await rc.confirmRecoveryCodeSet(staleInDb.sealed, userId, at("session-1"))).toEqual({ ok: false, reason: "expired" });
    const fresh = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    expect(await rc.confirmRecoveryCodeSet(fresh.sealed, userId, at("session-1"), later)).toEqual({ ok: false, reason: "expired" });
    expect(setsOf(userId).every((s) => s.status === "pending")).toBe(true);
  });

  it("refuses a confirm from a later view of the page (the codes left the screen)", async () => {
    const userId = await newUser();
    const pending = await rc.beginRecoveryCodeSet(userId, at("session-1", "view-1"));
    expect(rc.reopenPendingRecoveryCodes(pending.sealed, userId, at("session-1", "view-2"))).toBeNull();
    expect(await rc.confirmRecoveryCodeSet(pending.sealed, userId, at("session-1", "view-2"))).toEqual({ ok: false, reason: "expired" });
    expect(rc.reopenPendingRecoveryCodes(pending.sealed, userId, at("session-1", "view-1"))).toMatchObject({ codes: pending.codes });
    expect(await rc.confirmRecoveryCodeSet(pending.sealed, userId, at("session-1", "view-1"))).toMatchObject({ ok: true });
  });

  it("discards the set a refused confirm names, and only that one", async () => {
    const userId = await newUser();
    const stale = await rc.beginRecoveryCodeSet(userId, at("session-1", "view-1"));
    await rc.discardRefusedRecoveryCodes(stale.sealed, userId, "session-2");
    await rc.discardRefusedRecoveryCodes(stale.sealed, await newUser(), "session-1");
    expect(setsOf(userId)).toHaveLength(1);
    await rc.discardRefusedRecoveryCodes(stale.sealed, userId, "session-1");
    expect(setsOf(userId)).toEqual([]);

    const older = await rc.beginRecoveryCodeSet(userId, at("session-1", "view-2"));
    const newer = await rc.beginRecoveryCodeSet(userId, at("session-1", "view-3"));
    await rc.discardRefusedRecoveryCodes(older.sealed, userId, "session-1");
    expect(await rc.confirmRecoveryCodeSet(newer.sealed, userId, at("session-1", "view-3"))).toMatchObject({ ok: true });
  });

  it("discards a session's pending set on request without touching the valid one or another session's", async () => {
    const { userId } = await userWithCodes();
    await rc.beginRecoveryCodeSet(userId, at("session-a"));
    await rc.discardPendingRecoveryCodes(userId, "session-b");
    expect(setsOf(userId).map((s) => s.status)).toEqual(["active", "pending"]);
    await rc.discardPendingRecoveryCodes(userId, "session-a");
    expect(setsOf(userId).map((s) => s.status)).toEqual(["active"]);
  });

  it("never lets the database hold two valid sets for one account", () => {
    const db = sqlite();
    db.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('dup', 'dup@example.test', 'x', 0)").run();
    db.prepare("INSERT INTO recovery_code_sets (id, user_id, status, created_at) VALUES ('s1', 'dup', 'active', 0)").run();
    expect(() => db.prepare("INSERT INTO recovery_code_sets (id, user_id, status, created_at) VALUES ('s2', 'dup', 'active', 0)").run()).toThrow(/UNIQUE/);
  });
});

describe("storage at rest", () => {
  it("stores HMAC-SHA-256 of user and code under the current key, never the code", async () => {
    const userId = await newUser();
    const pending = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    const rows = sqlite()
      .prepare("SELECT c.position, c.code_hash AS hash, c.key_id AS keyId FROM recovery_codes c JOIN recovery_code_sets s ON s.id = c.set_id WHERE s.user_id = ? ORDER BY c.position")
      .all(userId) as Array<{ position: number; hash: string; keyId: string }>;
    expect(rows.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const key = derive(process.env.AUTH_SECRET!);
    rows.forEach((row, i) => {
      const normalised = pending.codes[i].replaceAll("-", "");
      expect(row.hash).toBe(createHmac("sha256", key).update(`${userId}\0${normalised}`).digest("hex"));
      expect(row.keyId).toBe(keyIds()[0]);
    });
  });

  it("leaves no code in the database file or its WAL, with or without dashes", async () => {
    const userId = await newUser();
    const pending = await rc.beginRecoveryCodeSet(userId, at("session-1"));
    await rc.confirmRecoveryCodeSet(pending.sealed, userId, at("session-1"));
    await rc.verifyRecoveryCode(userId, pending.codes[0]);
    const file = process.env.DATABASE_PATH!;
    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    for (const code of pending.codes) {
      for (const form of [code, code.replaceAll("-", ""), code.toUpperCase(), code.replaceAll("-", "").toUpperCase()]) {
        expect(bytes.includes(Buffer.from(form))).toBe(false);
      }
    }
  });
});

describe("verifying", () => {
  it("accepts each code once, forgiving case, spaces and dashes, and says which number it was", async () => {
    const { userId, codes } = await userWithCodes();
    const typed = codes[3].toUpperCase().replaceAll("-", " ");
    expect(await rc.verifyRecoveryCode(userId, typed)).toEqual({ ok: true, detail: { code_number: 4, codes_remaining: 9 } });
    expect(await rc.verifyRecoveryCode(userId, codes[3])).toEqual({ ok: false, reason: "invalid" });
    expect(await rc.verifyRecoveryCode(userId, codes[3].replaceAll("-", ""))).toEqual({ ok: false, reason: "invalid" });
    expect(await rc.verifyRecoveryCode(userId, codes[0])).toEqual({ ok: true, detail: { code_number: 1, codes_remaining: 8 } });
  });

  it("answers a used code and an unknown code alike", async () => {
    const { userId, codes } = await userWithCodes();
    await rc.verifyRecoveryCode(userId, codes[0]);
    const used = await rc.verifyRecoveryCode(userId, codes[0]);
    const unknown = await rc.verifyRecoveryCode(userId, "2222-2222-2222-2222");
    const malformed = await rc.verifyRecoveryCode(userId, "not a code");
    expect(used).toEqual(unknown);
    expect(unknown).toEqual(malformed);
  });

  it("refuses another account's code", async () => {
    const alice = await userWithCodes();
    const bob = await userWithCodes();
    expect(await rc.verifyRecoveryCode(bob.userId, alice.codes[0])).toEqual({ ok: false, reason: "invalid" });
    expect(await rc.verifyRecoveryCode(alice.userId, alice.codes[0])).toMatchObject({ ok: true });
  });

  it("matches by HMAC: a row holding the plaintext code (as Kratos stores it) is never accepted", async () => {
    const { userId } = await userWithCodes();
    const plaintext = "abcdefghjkmnp";
    const set = setsOf(userId)[0];
    for (const keyId of keyIds()) {
      sqlite().prepare("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES (?, ?, ?, ?)").run(set.id, 90 + keyIds().indexOf(keyId), plaintext, keyId);
    }
    expect(await rc.verifyRecoveryCode(userId, plaintext)).toEqual({ ok: false, reason: "invalid" });
  });

  it("still accepts codes hashed under the previous AUTH_SECRET (rotation), by their key id", async () => {
    const { userId } = await userWithCodes();
    const set = setsOf(userId)[0];
    const code = "zyxwvutsrqpnm";
    const previousKey = derive(process.env.AUTH_SECRET_PREVIOUS!);
    const previousId = keyIds()[1];
    sqlite()
      .prepare("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES (?, 11, ?, ?)")
      .run(set.id, createHmac("sha256", previousKey).update(`${userId}\0${code}`).digest("hex"), previousId);
    expect(await rc.verifyRecoveryCode(userId, "ZYXW-VUTS-RQPN-M")).toEqual({ ok: true, detail: { code_number: 11, codes_remaining: 10 } });
  });

  it("still accepts a code saved in the earlier 13-character format (xxxx-xxxx-xxxx-x), once", async () => {
    const { userId } = await userWithCodes();
    const set = setsOf(userId)[0];
    const legacy = "k7mq2rtv9wxyh";
    sqlite()
      .prepare("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES (?, 12, ?, ?)")
      .run(set.id, createHmac("sha256", derive(process.env.AUTH_SECRET!)).update(`${userId}\0${legacy}`).digest("hex"), keyIds()[0]);
    expect(await rc.verifyRecoveryCode(userId, "K7MQ-2RTV 9WXY-h")).toEqual({ ok: true, detail: { code_number: 12, codes_remaining: 10 } });
    expect(await rc.verifyRecoveryCode(userId, "k7mq-2rtv-9wxy-h")).toEqual({ ok: false, reason: "invalid" });
  });

  it("lets exactly one of 50 concurrent uses of one code through", async () => {
    const { userId, codes } = await userWithCodes();
    const results = await Promise.all(Array.from({ length: 50 }, () => rc.verifyRecoveryCode(userId, codes[5])));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("is no longer offered once every code is used", async () => {
    const { userId, codes } = await userWithCodes();
    for (const code of codes) expect(await rc.verifyRecoveryCode(userId, code)).toMatchObject({ ok: true });
    expect(await rc.recoveryCodesMethod.isEnrolled(userId)).toBe(false);
    expect(await mfa.enrolledMethods(userId)).not.toContain("lookup_secret");
  });
});

describe("status for the settings page", () => {
  it("reports what is left, which numbers were used and when", async () => {
    const { userId, codes } = await userWithCodes();
    const t1 = new Date("2026-01-01T10:00:00Z");
    const t2 = new Date("2026-01-02T10:00:00Z");
    await rc.verifyRecoveryCode(userId, codes[6], t2);
    await rc.verifyRecoveryCode(userId, codes[2], t1);
    const status = await rc.getRecoveryCodesStatus(userId);
    expect(status).toMatchObject({ total: 10, remaining: 8, used: [{ number: 3, usedAt: t1 }, { number: 7, usedAt: t2 }] });
  });
});

describe("recovery codes as a second factor", () => {
  it("are listed for the sign-in step but never raise the account's available AAL", async () => {
    const { userId } = await userWithCodes();
    expect(await mfa.enrolledMethods(userId)).toContain("lookup_secret");
    expect(await mfa.availableAal(userId)).toBe("aal1");
  });

  it("are deleted when the last other second factor goes, and kept while one remains", async () => {
    const { userId } = await userWithCodes();
    sqlite().prepare("INSERT INTO totp_credentials (id, user_id, secret_ciphertext, created_at) VALUES (?, ?, 'x', 0)").run(`totp-${userId}`, userId);
    expect(await removal.afterSecondFactorRemoved(userId, NO_CLIENT, (await import("@/lib/mfa")).availableAal)).toEqual({ recoveryCodesDeleted: false });
    expect(setsOf(userId)).toHaveLength(1);

    sqlite().prepare("DELETE FROM totp_credentials WHERE user_id = ?").run(userId);
    await rc.beginRecoveryCodeSet(userId, at("session-a"));
    expect(await removal.afterSecondFactorRemoved(userId, NO_CLIENT, (await import("@/lib/mfa")).availableAal)).toEqual({ recoveryCodesDeleted: true });
    expect(setsOf(userId)).toEqual([]);
    const events = sqlite().prepare("SELECT type FROM security_events WHERE user_id = ?").all(userId) as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toEqual(["recovery_codes.deleted"]);
  });
});

describe("reminders on the settings page", () => {
  const status = (remaining: number, createdAt: Date) => ({ createdAt, total: 10, remaining, used: [] });
  const now = new Date("2027-06-01T00:00:00Z");

  it("reminds without a confirmed set, with 3 or fewer left, and once the set is over a year old", () => {
    expect(rc.recoveryCodesReminder(null, now)).toBe("none");
    expect(rc.recoveryCodesReminder(status(3, now), now)).toBe("few_left");
    expect(rc.recoveryCodesReminder(status(4, now), now)).toBeNull();
    expect(rc.recoveryCodesReminder(status(10, new Date(now.getTime() - 366 * 86_400_000)), now)).toBe("old");
    expect(rc.recoveryCodesReminder(status(10, new Date(now.getTime() - 364 * 86_400_000)), now)).toBeNull();
  });
});
