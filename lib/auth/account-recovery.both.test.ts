import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readOutbox, type ParsedMail } from "@/test/eml";
import { useFreshDatabase } from "@/test/database";
import { RECOVERY_FINISH_WINDOW_SECONDS } from "./account-recovery-rule";

// Account recovery through the app's own functions, on SQLite and (in the PostgreSQL pass) on
// PostgreSQL: the link mailed only to a verified address and stored only as a hash, the wait
// started once however many openings race, a finish refused before the wait and won by exactly
// one of concurrent finishes, every second factor gone after it, the link dead afterwards, and a
// second factor that cancels it.
const outbox = path.join(mkdtempSync(path.join(tmpdir(), "twofold-account-recovery-")), "outbox");
process.env.OUTBOX_DIR = outbox;
process.env.APP_ORIGIN = "http://localhost:3997";
process.env.AUTH_SECRET = "account-recovery-test-secret-".padEnd(48, "r");
process.env.DATABASE_POOL_SIZE = "12";
process.env.ACCOUNT_RECOVERY_DELAY = "10800";
delete process.env.SMTP_URL;

vi.mock("next/headers", () => import("@/test/next-headers"));
// Refused password attempts are logged "after the response": here, at once.
vi.mock("next/server", async (original) => ({ ...(await original<typeof import("next/server")>()), after: (task: () => unknown) => void Promise.resolve().then(task) }));

const PASSWORD = "correct horse battery staple 42";
const DELAY_MS = 10_800_000;
const RACERS = 20;

let recovery: typeof import("./account-recovery");
let cancel: typeof import("./account-recovery-cancel");
let recoveries: typeof import("@/db/queries/account-recoveries");
let users: typeof import("@/db/queries/users");
let webauthn: typeof import("@/db/queries/webauthn");
let events: typeof import("@/db/queries/security-events");
let password: typeof import("./password");
let mfa: typeof import("@/lib/mfa");
let queue: typeof import("@/lib/mail/queue");
let client: typeof import("@/db/client");

beforeAll(async () => {
  await useFreshDatabase("account_recovery");
  recovery = await import("./account-recovery");
  cancel = await import("./account-recovery-cancel");
  recoveries = await import("@/db/queries/account-recoveries");
  users = await import("@/db/queries/users");
  webauthn = await import("@/db/queries/webauthn");
  events = await import("@/db/queries/security-events");
  password = await import("./password");
  mfa = await import("@/lib/mfa");
  queue = await import("@/lib/mail/queue");
  client = await import("@/db/client");
});

afterAll(async () => {
  await queue.settleMailDelivery();
  await client.closeDb();
});

let addressCounter = 0;
/** Every call from its own address: the per-address recovery budget is not what these tests are about. */
const from = () => ({ ip: `198.51.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`, userAgent: "vitest" });

async function newUser(options: { verified?: boolean } = {}): Promise<{ id: string; email: string }> {
  const id = randomUUID();
  const email = `${id}@example.test`;
  expect(await users.insertUser({ id, email, passwordHash: await password.hashPassword(PASSWORD), createdAt: new Date() })).toBe(true);
  if (options.verified ?? true) expect(await users.markEmailVerified(id, email, new Date())).toBe(true);
  // A passkey: the account is at aal2 until the recovery removes it.
  await webauthn.insertWebAuthnCredential({
    id: `cred-${id}`, userId: id, name: "Lost key", publicKey: Buffer.from([1, 2, 3]), counter: 0, transports: "[]",
    deviceType: "singleDevice", backedUp: false, isPasskey: true, aaguid: null, createdAt: new Date(), lastUsedAt: null,
  });
  return { id, email };
}

// requestAccountRecovery only reads the session's user (the action has checked the step).
const sessionOf = (user: { id: string; email: string }) => ({ userId: user.id, email: user.email }) as never;

async function mailsTo(to: string): Promise<ParsedMail[]> {
  await queue.settleMailDelivery();
  await queue.deliverDueMails();
  return readOutbox(outbox).filter((mail) => mail.headers.to === to);
}

async function requestLink(user: { id: string; email: string }): Promise<string> {
  expect(await recovery.requestAccountRecovery(sessionOf(user), from())).toEqual({ ok: true });
  const mail = (await mailsTo(user.email)).filter((m) => m.headers.subject?.startsWith("Recover your")).at(-1);
  const link = mail?.text.match(/http:\/\/localhost:3997\/account-recovery\?token=[A-Za-z0-9_-]+/)?.[0];
  expect(link).toBeDefined();
  return new URL(link!).searchParams.get("token")!;
}

const countEvents = async (userId: string, type: string) =>
  (await events.listSecurityEvents(userId, 1000)).filter((event) => event.type === type).length;

describe("account recovery", () => {
  it("mails nothing to an unverified address", async () => {
    const user = await newUser({ verified: false });
    expect(await recovery.requestAccountRecovery(sessionOf(user), from())).toEqual({ ok: false, reason: "unverified_email" });
    expect(await mailsTo(user.email)).toEqual([]);
    expect(await recoveries.findAccountRecovery(user.id, new Date())).toBeUndefined();
  });

  it("stores the link's token only as its SHA-256", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await recoveries.findAccountRecovery(user.id, new Date());
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("starts the wait once however many openings race, and a new request neither restarts nor shortens it", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    const now = new Date();
    const results = await Promise.all(Array.from({ length: RACERS }, () => recovery.openAccountRecoveryLink(token, from(), now)));
    for (const result of results) expect(result).toMatchObject({ ok: true, state: { kind: "waiting" } });
    expect(await countEvents(user.id, "account_recovery.started")).toBe(1);
    expect((await mailsTo(user.email)).filter((m) => m.headers.subject?.startsWith("Account recovery started"))).toHaveLength(1);

    const again = await recovery.requestAccountRecovery(sessionOf(user), from());
    expect(again).toMatchObject({ ok: false, reason: "already_waiting" });
    const row = await recoveries.findAccountRecovery(user.id, new Date());
    expect(row?.status).toBe("waiting");
    expect(await recovery.pendingAccountRecovery(user.id)).toEqual({ finishableAt: row!.finishableAt });
  });

  it("refuses to finish before the wait, then exactly one of concurrent finishes removes every second factor", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    const start = new Date();
    expect(await recovery.openAccountRecoveryLink(token, from(), start)).toMatchObject({ ok: true });
    expect(await recovery.finishAccountRecovery(token, PASSWORD, from(), new Date(start.getTime() + DELAY_MS - 1000))).toMatchObject({
      ok: false,
      reason: "too_early",
    });
    expect(await mfa.availableAal(user.id)).toBe("aal2");

    const after = new Date(start.getTime() + DELAY_MS + 1000);
    expect(await recovery.finishAccountRecovery(token, "not the password", from(), after)).toMatchObject({
      ok: false,
      reason: "password",
      check: { reason: "invalid" },
    });
    // Four: the password budget's free attempts that remain after the wrong one above.
    const results = await Promise.all(Array.from({ length: 4 }, () => recovery.finishAccountRecovery(token, PASSWORD, from(), after)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    for (const result of results.filter((r) => !r.ok)) expect(result).toEqual({ ok: false, reason: "expired" });

    expect(await mfa.availableAal(user.id)).toBe("aal1");
    expect(await webauthn.listWebAuthnCredentials(user.id)).toEqual([]);
    expect(await countEvents(user.id, "account_recovery.completed")).toBe(1);
    expect((await mailsTo(user.email)).filter((m) => m.headers.subject?.includes("was recovered"))).toHaveLength(1);

    // The link is dead now, to open and to finish.
    expect(await recovery.openAccountRecoveryLink(token, from(), after)).toEqual({ ok: false, reason: "expired" });
    expect(await recovery.finishAccountRecovery(token, PASSWORD, from(), after)).toEqual({ ok: false, reason: "expired" });
  });

  it("is spent by exactly one of concurrent completions in the database", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    const start = new Date();
    await recovery.openAccountRecoveryLink(token, from(), start);
    const row = (await recoveries.findAccountRecovery(user.id, start))!;
    const after = new Date(start.getTime() + DELAY_MS + 1000);
    const results = await Promise.all(Array.from({ length: RACERS }, () => recoveries.completeAccountRecovery(row.tokenHash, after)));
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.removed.webauthnCredentials).toBe(1);
  });

  it("ends with a successful second factor: the link is dead, and the owner is told", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    await recovery.openAccountRecoveryLink(token, from());
    await cancel.cancelAccountRecoveryAfterSecondFactor(user.id, from());
    expect(await recovery.pendingAccountRecovery(user.id)).toBeNull();
    expect(await recovery.openAccountRecoveryLink(token, from())).toEqual({ ok: false, reason: "expired" });
    expect(await countEvents(user.id, "account_recovery.cancelled")).toBe(1);
    expect((await mailsTo(user.email)).filter((m) => m.headers.subject?.startsWith("Account recovery cancelled"))).toHaveLength(1);
    expect(await mfa.availableAal(user.id)).toBe("aal2");
  });

  it("replaces a wait that lapsed unfinished with a new request", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    const start = new Date();
    await recovery.openAccountRecoveryLink(token, from(), start);
    const lapsed = new Date(start.getTime() + DELAY_MS + RECOVERY_FINISH_WINDOW_SECONDS * 1000 + 1000);
    expect(await recovery.requestAccountRecovery(sessionOf(user), from(), lapsed)).toEqual({ ok: true });
    const row = await recoveries.findAccountRecovery(user.id, lapsed);
    expect(row).toMatchObject({ status: "requested", startedAt: null, finishableAt: null, reminderDueAt: null });
    expect(await recovery.openAccountRecoveryLink(token, from(), lapsed)).toEqual({ ok: false, reason: "expired" });
  });

  it("mails the reminder once, whoever runs housekeeping", async () => {
    const user = await newUser();
    const token = await requestLink(user);
    const start = new Date();
    await recovery.openAccountRecoveryLink(token, from(), start);
    // A three-hour wait: the reminder is due halfway.
    expect(await recovery.sendDueAccountRecoveryReminders(new Date(start.getTime() + DELAY_MS / 4))).toBe(0);
    const due = new Date(start.getTime() + DELAY_MS / 2 + 1000);
    // Other tests' recoveries are due too: each is claimed once, by one of the racers.
    await Promise.all(Array.from({ length: 5 }, () => recovery.sendDueAccountRecoveryReminders(due)));
    expect(await recovery.sendDueAccountRecoveryReminders(due)).toBe(0);
    expect((await mailsTo(user.email)).filter((m) => m.headers.subject?.startsWith("Reminder: account recovery"))).toHaveLength(1);
  });
});
