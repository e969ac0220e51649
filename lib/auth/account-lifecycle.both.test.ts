import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";
import { readOutbox } from "@/test/eml";

// A password change from settings and an account's deletion, end to end below the UI: real
// argon2id, the queries, the log, the mail queue delivering to an outbox directory. On SQLite, and
// on PostgreSQL in the PostgreSQL pass.
process.env.AUTH_SECRET = "account-lifecycle-secret-".padEnd(48, "l");
process.env.OUTBOX_DIR = path.join(mkdtempSync(path.join(tmpdir(), "twofold-lifecycle-")), "outbox");
process.env.APP_ORIGIN = "http://localhost:3997";
delete process.env.SMTP_URL;

const CLIENT = { ip: "203.0.113.8", userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" };
const OLD_PASSWORD = "the old passphrase of this account";
const NEW_PASSWORD = "seven amber herons wading slowly";

let client: typeof import("@/db/client");
let change: typeof import("./password-change");
let deletion: typeof import("./account-deletion");
let password: typeof import("./password");
let users: typeof import("@/db/queries/users");
let sessions: typeof import("@/db/queries/sessions");
let reset: typeof import("@/db/queries/password-reset");
let events: typeof import("@/db/queries/security-events");
let limits: typeof import("@/lib/security/rate-limit");
let queue: typeof import("@/lib/mail/queue");
let housekeeping: typeof import("@/lib/housekeeping");
let operator: typeof import("@/lib/admin/operator");
let schema: typeof import("@/db/schema");

beforeAll(async () => {
  await useFreshDatabase("lifecycle");
  client = await import("@/db/client");
  change = await import("./password-change");
  deletion = await import("./account-deletion");
  password = await import("./password");
  users = await import("@/db/queries/users");
  sessions = await import("@/db/queries/sessions");
  reset = await import("@/db/queries/password-reset");
  events = await import("@/db/queries/security-events");
  limits = await import("@/lib/security/rate-limit");
  queue = await import("@/lib/mail/queue");
  housekeeping = await import("@/lib/housekeeping");
  operator = await import("@/lib/admin/operator");
  schema = await import("@/db/schema");
});

afterAll(async () => {
  await client.closeDb();
});

const AMR = JSON.stringify([{ method: "password", completed_at: "2026-01-01T00:00:00.000Z" }, { method: "totp", completed_at: "2026-01-01T00:00:10.000Z" }]);

async function newSession(userId: string): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await sessions.insertSession({
    id, userId, tokenHash: `token-${id}`, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 3_600_000),
    authenticatedAt: now, secondFactorDueSince: null, amr: AMR, ip: null, userAgent: null,
  });
  return id;
}

async function newAccount() {
  const id = randomUUID();
  const email = `${id.slice(0, 8)}@example.test`;
  await users.insertUser({ id, email, passwordHash: await password.hashPassword(OLD_PASSWORD), createdAt: new Date() });
  const current = await newSession(id);
  const other = await newSession(id);
  return { id, email, current, other, session: { id: current, userId: id, email } };
}

async function mailsTo(email: string) {
  await queue.settleMailDelivery();
  return readOutbox(process.env.OUTBOX_DIR!).filter((mail) => mail.headers.to === email);
}

const eventTypes = async (userId: string) => (await events.listSecurityEvents(userId, 50)).map((e) => e.type);

describe("changePassword", () => {
  it("refuses what sign-up refuses, and changes nothing", async () => {
    const account = await newAccount();
    const before = (await users.findUserById(account.id))!.passwordHash;
    expect(await change.changePassword(account.session, "password1", CLIENT)).toEqual({ ok: false, reason: "weak", weakness: "common" });
    expect(await change.changePassword(account.session, "short", CLIENT)).toEqual({ ok: false, reason: "weak", weakness: "too_short" });
    expect(await change.changePassword(account.session, `${account.email}1`, CLIENT)).toEqual({ ok: false, reason: "weak", weakness: "context_word" });
    expect((await users.findUserById(account.id))!.passwordHash).toBe(before);
    expect(await sessions.findSessionByTokenHash(`token-${account.other}`)).toBeDefined();
  });

  it("sets an argon2id hash, ends the other sessions and the reset link, keeps this session as it was, logs and mails", async () => {
    const account = await newAccount();
    await reset.replacePasswordResetToken({
      tokenHash: `reset-${account.id}`, userId: account.id, passwordFingerprint: "f", createdAt: new Date(),
      expiresAt: new Date(Date.now() + 1_800_000), secondFactorMethod: null, secondFactorAt: null,
    });
    await limits.spendPasswordAttempt(account.email, CLIENT);
    const currentBefore = await sessions.findSessionByTokenHash(`token-${account.current}`);

    expect(await change.changePassword(account.session, NEW_PASSWORD, CLIENT)).toEqual({ ok: true, sessionsEnded: 1 });

    const hash = (await users.findUserById(account.id))!.passwordHash;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await password.verifyPassword(hash, NEW_PASSWORD)).toBe(true);
    expect(await password.verifyPassword(hash, OLD_PASSWORD)).toBe(false);
    // This session: untouched, so its AMR and AAL stay what they were.
    expect(await sessions.findSessionByTokenHash(`token-${account.current}`)).toEqual(currentBefore);
    expect(await sessions.findSessionByTokenHash(`token-${account.other}`)).toBeUndefined();
    expect(await reset.findPasswordReset(`reset-${account.id}`, new Date())).toBeUndefined();
    // The run of password failures against the old password starts over.
    expect(await limits.spendPasswordAttempt(account.email, CLIENT)).toMatchObject({ allowed: true, attempts: { signInAccount: 1 } });
    const [event] = await events.listSecurityEvents(account.id, 1);
    expect(event).toMatchObject({ type: "password.changed", ip: CLIENT.ip, actor: "user" });
    expect(JSON.parse(event.detail)).toEqual({ sessions_ended: 1, reset_links_ended: 1 });
    const mails = await mailsTo(account.email);
    expect(mails.map((m) => m.headers.subject)).toEqual(["The password of your Twofold account was changed"]);
    expect(mails[0].text).toContain("on your security settings page");
  });

  it("of two changes racing from the same password, one wins and the other is told it changed meanwhile", async () => {
    const account = await newAccount();
    const results = await Promise.all([
      change.changePassword(account.session, NEW_PASSWORD, CLIENT),
      change.changePassword(account.session, `${NEW_PASSWORD} again`, CLIENT),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "changed_meanwhile")).toHaveLength(1);
    expect((await eventTypes(account.id)).filter((t) => t === "password.changed")).toHaveLength(1);
  });

  it("changes nothing for a session that was ended meanwhile", async () => {
    const account = await newAccount();
    await sessions.deleteSession(account.current);
    expect(await change.changePassword(account.session, NEW_PASSWORD, CLIENT)).toEqual({ ok: false, reason: "changed_meanwhile" });
    expect(await password.verifyPassword((await users.findUserById(account.id))!.passwordHash, OLD_PASSWORD)).toBe(true);
  });
});

describe("deleteOwnAccount and the operator's deletion", () => {
  it("deletes nothing unless the account's own address is typed", async () => {
    const account = await newAccount();
    for (const typed of ["", "someone@example.test", `${account.email}x`]) {
      expect(await deletion.deleteOwnAccount(account.session, typed, CLIENT)).toEqual({ ok: false, reason: "email_mismatch" });
    }
    expect(await users.findUserById(account.id)).toBeDefined();
    expect(await mailsTo(account.email)).toEqual([]);
  });

  it("deletes the account (address typed in any case, with spaces) and mails a last notice that outlives it", async () => {
    const account = await newAccount();
    expect(await deletion.deleteOwnAccount(account.session, `  ${account.email.toUpperCase()} `, CLIENT)).toEqual({ ok: true });
    expect(await users.findUserById(account.id)).toBeUndefined();
    expect(await sessions.findSessionByTokenHash(`token-${account.current}`)).toBeUndefined();
    expect(await eventTypes(account.id)).toEqual([]);

    const mails = await mailsTo(account.email);
    expect(mails.map((m) => m.headers.subject)).toEqual(["Your Twofold account was deleted"]);
    expect(mails[0].text).toContain("from its security settings page");
    expect(mails[0].text).toContain("Device: Chrome on Linux");
    expect(mails[0].text).toContain("IP address: 203.0.113.8");
    expect(mails[0].text).not.toContain("/settings/security");

    // Delivered, the notice (the address is all it holds) goes at the next housekeeping.
    const outboxRowsTo = async () =>
      (await (await client.getDb()).select({ id: schema.mailOutbox.id }).from(schema.mailOutbox).where(eq(schema.mailOutbox.toAddress, account.email))).length;
    expect(await outboxRowsTo()).toBe(1);
    await housekeeping.runHousekeeping();
    expect(await outboxRowsTo()).toBe(0);
    expect(await deletion.deleteOwnAccount(account.session, account.email, CLIENT)).toEqual({ ok: false, reason: "gone" });
  });

  it("the operator's deletion says an administrator did it, with no device or address of the user's", async () => {
    const account = await newAccount();
    const user = (await operator.findUser(` ${account.email.toUpperCase()}`))!;
    const removed = await operator.deleteUserAccountByOperator(user);
    expect(removed).toMatchObject({ sessions: 2, totpCredentials: 0, securityEvents: 0 });
    expect(await operator.findUser(account.email)).toBeUndefined();
    const [mail] = await mailsTo(account.email);
    expect(mail.text).toContain("An administrator deleted your Twofold account.");
    expect(mail.text).toContain("Device: the administrators' tool");
    expect(mail.text).toContain("IP address: unknown");
    await expect(operator.deleteUserAccountByOperator(user)).rejects.toThrow(/changed or was deleted/);
  });
});
