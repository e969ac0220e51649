import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOutbox, type ParsedMail } from "@/test/eml";
import { useFreshDatabase } from "@/test/database";

// The mailed email links' lifecycle, through the app's own functions, on SQLite and (in the
// PostgreSQL pass) on PostgreSQL: hash only, single use under concurrency, expiry, a newer link
// replaces the older, and the change of address decided by the UNIQUE constraint.
const outbox = path.join(mkdtempSync(path.join(tmpdir(), "twofold-email-links-")), "outbox");
process.env.OUTBOX_DIR = outbox;
process.env.APP_ORIGIN = "http://localhost:3997";
process.env.AUTH_SECRET = "email-links-test-secret-".padEnd(48, "e");
process.env.DATABASE_POOL_SIZE = "12";
delete process.env.SMTP_URL;

const CLIENT = { ip: "192.0.2.8", userAgent: "vitest" };
const HOUR = 3_600_000;
const RACERS = 20;

let links: typeof import("./email-links");
let address: typeof import("./email-address");
let tokens: typeof import("@/db/queries/email-tokens");
let users: typeof import("@/db/queries/users");
let reset: typeof import("@/db/queries/password-reset");
let queue: typeof import("@/lib/mail/queue");
let client: typeof import("@/db/client");

beforeAll(async () => {
  await useFreshDatabase("email_links");
  links = await import("./email-links");
  address = await import("./email-address");
  tokens = await import("@/db/queries/email-tokens");
  users = await import("@/db/queries/users");
  reset = await import("@/db/queries/password-reset");
  queue = await import("@/lib/mail/queue");
  client = await import("@/db/client");
});

afterAll(async () => {
  await queue.settleMailDelivery();
  await client.closeDb();
});

async function newUser(): Promise<{ id: string; email: string }> {
  const id = randomUUID();
  const email = `${id}@example.test`;
  expect(await users.insertUser({ id, email, passwordHash: `hash-${id}`, createdAt: new Date() })).toBe(true);
  return { id, email };
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const userRow = async (id: string) => (await users.findUserById(id))!;

/**
 * Mails delivered to `to`. Delivery runs in the background: settle it, then deliver whatever is
 * still due (a mail queued just as a pass was finishing waits for the retry timer otherwise).
 */
async function mailsTo(to: string): Promise<ParsedMail[]> {
  await queue.settleMailDelivery();
  await queue.deliverDueMails();
  return readOutbox(outbox).filter((mail) => mail.headers.to === to);
}

describe("email links", () => {
  it("are 256-bit tokens stored only as their SHA-256, in a link to /verify-email", async () => {
    const user = await newUser();
    const link = await links.issueEmailLink(user.id, "verify", user.email);
    expect(new URL(link).origin + new URL(link).pathname).toBe("http://localhost:3997/verify-email");
    const token = tokenOf(link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await tokens.findLiveEmailToken(user.id, "verify", new Date());
    expect(row?.tokenHash).toBe(links.hashEmailToken(token));
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("verify the address once: the link is spent, the account marked verified", async () => {
    const user = await newUser();
    expect((await userRow(user.id)).emailVerifiedAt).toBeNull();
    const token = tokenOf(await links.issueEmailLink(user.id, "verify", user.email));
    expect(await links.openEmailLink(token, CLIENT)).toEqual({ ok: true, outcome: "verified", email: user.email });
    expect((await userRow(user.id)).emailVerifiedAt).toBeInstanceOf(Date);
    expect(await links.openEmailLink(token, CLIENT)).toEqual({ ok: false, reason: "expired" });
  });

  it(`are single use under concurrency: of ${RACERS} simultaneous opens exactly one wins`, async () => {
    for (const purpose of ["verify", "change"] as const) {
      const user = await newUser();
      const target = purpose === "verify" ? user.email : `new-${randomUUID()}@example.test`;
      const token = tokenOf(await links.issueEmailLink(user.id, purpose, target));
      const results = await Promise.all(Array.from({ length: RACERS }, () => links.openEmailLink(token, CLIENT)));
      expect(results.filter((r) => r.ok), purpose).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === "expired"), purpose).toHaveLength(RACERS - 1);
    }
  });

  it("expire: a verification link after 24 hours, a change link after 1 hour", async () => {
    const issued = new Date();
    const user = await newUser();
    const late = tokenOf(await links.issueEmailLink(user.id, "verify", user.email, issued));
    expect(await links.openEmailLink(late, CLIENT, new Date(issued.getTime() + 24 * HOUR))).toEqual({ ok: false, reason: "expired" });
    const inTime = tokenOf(await links.issueEmailLink(user.id, "verify", user.email, issued));
    expect((await links.openEmailLink(inTime, CLIENT, new Date(issued.getTime() + 24 * HOUR - 1000))).ok).toBe(true);

    const changeLate = tokenOf(await links.issueEmailLink(user.id, "change", `late-${randomUUID()}@example.test`, issued));
    expect(await links.openEmailLink(changeLate, CLIENT, new Date(issued.getTime() + HOUR))).toEqual({ ok: false, reason: "expired" });
    expect((await userRow(user.id)).email).toBe(user.email);
  });

  it("are replaced by a newer link for the same account and purpose, not for another purpose", async () => {
    const user = await newUser();
    const older = tokenOf(await links.issueEmailLink(user.id, "verify", user.email));
    const change = tokenOf(await links.issueEmailLink(user.id, "change", `kept-${randomUUID()}@example.test`));
    const newer = tokenOf(await links.issueEmailLink(user.id, "verify", user.email));
    expect(await links.openEmailLink(older, CLIENT)).toEqual({ ok: false, reason: "expired" });
    expect((await links.openEmailLink(newer, CLIENT)).ok).toBe(true);
    expect(await tokens.findLiveEmailToken(user.id, "change", new Date())).toBeDefined();
    expect((await links.openEmailLink(change, CLIENT)).ok).toBe(true);
  });

  it("refuse malformed tokens before any lookup", async () => {
    for (const token of [undefined, null, "", "x".repeat(44), "a".repeat(42) + "!", 42, ["a".repeat(43)]]) {
      expect(await links.openEmailLink(token, CLIENT)).toEqual({ ok: false, reason: "expired" });
    }
  });

  it("prove nothing about an address the account no longer has", async () => {
    const user = await newUser();
    const verify = tokenOf(await links.issueEmailLink(user.id, "verify", user.email));
    const moved = `moved-${randomUUID()}@example.test`;
    expect((await links.openEmailLink(tokenOf(await links.issueEmailLink(user.id, "change", moved)), CLIENT)).ok).toBe(true);
    // The change ended the old address's verification link too.
    expect(await links.openEmailLink(verify, CLIENT)).toEqual({ ok: false, reason: "expired" });
    // A verify row for the old address that somehow survived would still not mark the new one.
    expect(await users.markEmailVerified(user.id, user.email, new Date())).toBe(false);
  });
});

describe("changing the address", () => {
  it("changes nothing until the link is opened; then moves, verifies, ends reset links and tells the old address", async () => {
    const user = await newUser();
    const next = `next-${randomUUID()}@example.test`;
    const now = new Date();
    await reset.replacePasswordResetToken({ tokenHash: `reset-${user.id}`, userId: user.id, passwordFingerprint: "fp", createdAt: now, expiresAt: new Date(now.getTime() + 30 * 60_000), secondFactorMethod: null, secondFactorAt: null });

    expect(await address.requestEmailChange(user, next, CLIENT)).toEqual({ ok: true });
    expect((await userRow(user.id)).email).toBe(user.email);
    expect((await address.getEmailStatus(user.id))?.pendingChange?.email).toBe(next);
    const [linkMail] = await mailsTo(next);
    expect(linkMail?.headers.subject).toMatch(/^Confirm the new email address of your Twofold account$/);
    const [notice] = await mailsTo(user.email);
    expect(notice?.headers.subject).toMatch(/^A new email address was requested/);
    expect(notice?.text).toContain(`New address: ${next}`);
    expect(notice?.text).toMatch(/change your password/);
    expect(notice?.text).not.toMatch(/token=/);

    const link = /(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(linkMail!.text)![1]!;
    expect(await links.openEmailLink(tokenOf(link), CLIENT)).toEqual({ ok: true, outcome: "changed", email: next });
    const after = await userRow(user.id);
    expect(after.email).toBe(next);
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await reset.findPasswordReset(`reset-${user.id}`, new Date())).toBeUndefined();
    expect((await address.getEmailStatus(user.id))?.pendingChange).toBeNull();
    const confirmations = (await mailsTo(user.email)).filter((m) => /^The email address of your Twofold account was changed$/.test(m.headers.subject ?? ""));
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.text).toContain(`Previous address: ${user.email}`);
    expect(await users.findUserByEmail(user.email)).toBeUndefined();
  });

  it("answers alike for an address another account has; that mailbox gets no link", async () => {
    const user = await newUser();
    const owner = await newUser();
    expect(await address.requestEmailChange(user, owner.email, CLIENT)).toEqual({ ok: true });
    expect((await address.getEmailStatus(user.id))?.pendingChange?.email).toBe(owner.email);
    const toOwner = (await mailsTo(owner.email)).filter((m) => /^Confirm the new email address/.test(m.headers.subject ?? ""));
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.text).not.toMatch(/token=/);
    expect(toOwner[0]!.html).not.toMatch(/token=/);
    expect(toOwner[0]!.text).toMatch(/already belongs to a Twofold account/);
  });

  it("is decided by the UNIQUE constraint: of accounts racing for one address exactly one gets it", async () => {
    const target = `contested-${randomUUID()}@example.test`;
    const racers = await Promise.all(Array.from({ length: 6 }, () => newUser()));
    const linksFor = await Promise.all(racers.map((u) => links.issueEmailLink(u.id, "change", target)));
    const results = await Promise.all(linksFor.map((l) => links.openEmailLink(tokenOf(l), CLIENT)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "taken")).toHaveLength(5);
    expect((await users.findUserByEmail(target))?.id).toBe(racers[results.findIndex((r) => r.ok)]!.id);
  });

  it("refuses the account's own address, and can be cancelled once", async () => {
    const user = await newUser();
    expect(await address.requestEmailChange(user, user.email, CLIENT)).toEqual({ ok: false, reason: "same_address" });
    await address.requestEmailChange(user, `cancelled-${randomUUID()}@example.test`, CLIENT);
    const pending = await tokens.findLiveEmailToken(user.id, "change", new Date());
    expect(pending).toBeDefined();
    expect(await address.cancelEmailChange(user.id, CLIENT)).toBe(true);
    expect(await address.cancelEmailChange(user.id, CLIENT)).toBe(false);
    expect((await address.getEmailStatus(user.id))?.pendingChange).toBeNull();
  });

  it("is limited to 5 requests an hour per account", async () => {
    const user = await newUser();
    const now = new Date();
    for (let i = 0; i < 5; i++) expect(await address.requestEmailChange(user, `limit-${i}-${randomUUID()}@example.test`, CLIENT, now)).toEqual({ ok: true });
    expect(await address.requestEmailChange(user, `limit-6-${randomUUID()}@example.test`, CLIENT, now)).toMatchObject({ ok: false, reason: "throttled" });
  });
});

describe("resending the verification link", () => {
  it("mails a new link (the old one stops working), 3 an hour, and not once verified", async () => {
    const user = await newUser();
    // In the past, so every mail is due at once (a mail queued for a later moment waits for a retry).
    const now = new Date(Date.now() - 1000);
    const first = tokenOf(await links.issueEmailLink(user.id, "verify", user.email, now));
    // A millisecond apart, so the outbox (named by time) orders them.
    for (let i = 1; i <= 3; i++) expect(await address.resendVerificationEmail(user.id, CLIENT, new Date(now.getTime() + i))).toEqual({ ok: true });
    expect(await address.resendVerificationEmail(user.id, CLIENT, new Date(now.getTime() + 4))).toMatchObject({ ok: false, reason: "throttled", retryAfterSeconds: expect.any(Number) });
    const sent = (await mailsTo(user.email)).filter((m) => /^Confirm your email address for Twofold$/.test(m.headers.subject ?? ""));
    expect(sent).toHaveLength(3);
    expect(await links.openEmailLink(first, CLIENT)).toEqual({ ok: false, reason: "expired" });
    const latest = /(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(sent.at(-1)!.text)![1]!;
    expect((await links.openEmailLink(tokenOf(latest), CLIENT)).ok).toBe(true);
    expect(await address.resendVerificationEmail(user.id, CLIENT, new Date(now.getTime() + 2 * HOUR))).toEqual({ ok: false, reason: "already_verified" });
  });
});
