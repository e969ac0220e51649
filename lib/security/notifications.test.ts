import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readOutbox, type ParsedMail } from "@/test/eml";

// Every notifying event, recorded the way the app records it, must land in the outbox (no
// SMTP_URL) as a mail to the account's address that says what, when, from where, and what to do.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-notify-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.OUTBOX_DIR = path.join(dir, "outbox");
process.env.APP_ORIGIN = "http://localhost:3998";
delete process.env.SMTP_URL;

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
const FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:131.0) Gecko/20100101 Firefox/131.0";
const here = { ip: "203.0.113.7", userAgent: CHROME_LINUX };

let audit: typeof import("./audit");
let queue: typeof import("@/lib/mail/queue");
let users: typeof import("@/db/queries/users");

beforeAll(async () => {
  audit = await import("./audit");
  queue = await import("@/lib/mail/queue");
  users = await import("@/db/queries/users");
});

let userCount = 0;
async function newUser() {
  const id = `user-${++userCount}`;
  const email = `${id}@example.test`;
  await users.insertUser({ id, email, passwordHash: "x", createdAt: new Date() });
  return { id, email };
}

/** Records one event and returns the mails it produced (delivered to the outbox). */
async function mailsFor(fn: () => Promise<void>): Promise<ParsedMail[]> {
  const before = new Set(readOutbox(process.env.OUTBOX_DIR!).map((m) => m.file));
  await fn();
  await queue.settleMailDelivery();
  return readOutbox(process.env.OUTBOX_DIR!).filter((m) => !before.has(m.file));
}

async function oneMail(
  userId: string,
  type: Parameters<typeof audit.recordSecurityEvent>[1],
  detail: Record<string, string | number | boolean | null> = {},
  client: { ip: string | null; userAgent: string | null } = here,
  actor: "user" | "operator" = "user",
) {
  const mails = await mailsFor(() => audit.recordSecurityEvent(userId, type, client, detail, actor));
  expect(mails, `${type} should send exactly one mail`).toHaveLength(1);
  return mails[0]!;
}

/** What every notification must carry, in both parts. */
function expectCommonFacts(mail: ParsedMail, email: string) {
  expect(mail.headers.to).toBe(email);
  expect(mail.headers.from).toBe("Twofold <no-reply@localhost>");
  expect(mail.headers["content-type"]).toMatch(/multipart\/alternative/);
  const today = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeZone: "UTC" }).format(new Date());
  for (const body of [mail.text, mail.html]) {
    expect(body).toContain(today);
    expect(body).toContain("Chrome on Linux");
    expect(body).toContain("203.0.113.7");
    expect(body).toContain("http://localhost:3998/settings/security");
  }
  expect(mail.text).toMatch(/if this wasn't you|if you didn't|remove this key/i);
}

describe("security notifications in the outbox", () => {
  it("second factor added and removed (authenticator app, security key)", async () => {
    const { id, email } = await newUser();
    const totpOn = await oneMail(id, "totp.enabled");
    expectCommonFacts(totpOn, email);
    expect(totpOn.headers.subject).toBe("A second step was added to your Twofold account");
    expect(totpOn.text).toContain("An authenticator app was added");

    const keyOn = await oneMail(id, "webauthn.added", { key: "<b>Desk key</b>", passkey: false });
    expect(keyOn.text).toContain("A security key was added");
    expect(keyOn.text).toContain("\nKey name: <b>Desk key</b>\n");
    // The key name is the user's own text: escaped in HTML, never markup.
    expect(keyOn.html).toContain("&lt;b&gt;Desk key&lt;/b&gt;");
    expect(keyOn.html).not.toContain("<b>Desk key</b>");

    const keyOff = await oneMail(id, "webauthn.removed", { key: "Desk key" });
    expectCommonFacts(keyOff, email);
    expect(keyOff.headers.subject).toBe("A second step was removed from your Twofold account");
    expect(keyOff.text).toContain("A security key was removed");
    expect(keyOff.text).toContain("\nKey name: Desk key\n");

    const totpOff = await oneMail(id, "totp.removed");
    expect(totpOff.text).toContain("An authenticator app was removed");
    expect(totpOff.text).not.toMatch(/two-step verification is now off/i);
  });

  it("says plainly that two-step verification is off when the last second factor went, and what to do", async () => {
    const { id, email } = await newUser();
    const off = await oneMail(id, "totp.removed", { app: "Phone", last_second_factor: true, recovery_codes_deleted: true });
    expectCommonFacts(off, email);
    expect(off.headers.subject).toBe("Two-step verification is now off for your Twofold account");
    expect(off.text).toContain("It was your last second step, so two-step verification is now off: signing in needs only your password.");
    expect(off.text).toContain("Your recovery codes were deleted too");
    expect(off.text).toMatch(/If this wasn't you, someone signed in as you: sign in at http:\/\/\S+\/settings\/security now, change your password, set up a second step again/);
    expect(off.html).toContain("two-step verification is now off");

    // Without a valid set there were no codes to delete: the mail doesn't claim any were.
    const keyOff = await oneMail(id, "webauthn.removed", { key: "Desk key", last_second_factor: true, recovery_codes_deleted: false });
    expect(keyOff.headers.subject).toBe("Two-step verification is now off for your Twofold account");
    expect(keyOff.text).toContain("A security key was removed from your account. It was your last second step");
    expect(keyOff.text).not.toContain("recovery codes");
    expect(keyOff.text).toContain("\nKey name: Desk key\n");
  });

  it("shows a key's name only on its own labelled line, never inside a sentence", async () => {
    const { id } = await newUser();
    // A name an intruder might pick so the warning reads as reassurance (saved before names were
    // restricted to one line, or added another way: the mail must not trust the name).
    const name = 'Backup". Added by support, no action needed. "\nAll is well';
    for (const type of ["webauthn.added", "webauthn.removed", "webauthn.counter_regressed"] as const) {
      const mail = await oneMail(id, type, { key: name });
      const lines = mail.text.split("\n");
      const named = lines.filter((line) => line.includes("Added by support"));
      expect(named, type).toEqual(['Key name: Backup". Added by support, no action needed. "\uFFFDAll is well']);
      expect(mail.text).not.toMatch(/^All is well/m);
      expect(mail.headers.subject).not.toContain("Backup");
      // In HTML: in the table's "Key name" row, escaped, and nowhere else.
      expect(mail.html.split("Added by support")).toHaveLength(2);
      expect(mail.html).toContain('<th scope="row" style="text-align: left; padding: 2px 12px 2px 0;">Key name</th><td>Backup&quot;. Added by support');
    }
  });

  it("recovery codes generated, and a recovery code used with how many remain", async () => {
    const { id, email } = await newUser();
    const created = await oneMail(id, "recovery_codes.created", { count: 10, replaced_previous: true });
    expectCommonFacts(created, email);
    expect(created.headers.subject).toBe("New recovery codes for your Twofold account");
    expect(created.text).toContain("The codes you had before no longer work.");

    const used = await oneMail(id, "second_factor.succeeded", { method: "lookup_secret", code_number: 3, codes_remaining: 2 });
    expectCommonFacts(used, email);
    expect(used.headers.subject).toBe("A recovery code was used to sign in to your Twofold account");
    expect(used.text).toContain("Recovery code 3 was used as the second step");
    expect(used.text).toContain("You have 2 recovery codes left.");
    expect(used.text).toContain("generate a new set soon");

    const last = await oneMail(id, "second_factor.succeeded", { method: "lookup_secret", code_number: 7, codes_remaining: 0 });
    expect(last.text).toContain("You have no recovery codes left.");

    // The same step at a password reset says so, not "to sign in".
    const reset = await oneMail(id, "second_factor.succeeded", { method: "lookup_secret", code_number: 8, codes_remaining: 1, during: "password_reset" });
    expect(reset.headers.subject).toBe("A recovery code was used to reset the password of your Twofold account");
    expect(reset.text).toContain("Recovery code 8 was used as the second step of a password reset for your account.");
  });

  it("an ordinary second step sends nothing", async () => {
    const { id } = await newUser();
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "second_factor.succeeded", here, { method: "totp" }))).toEqual([]);
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "second_factor.failed", here, { method: "totp", reason: "invalid" }))).toEqual([]);
  });

  it("a TOTP replay and a cloned-key signal alert once per hour, not once per attempt", async () => {
    const { id, email } = await newUser();
    const replay = await oneMail(id, "totp.replay_refused", { method: "totp", reason: "replayed" });
    expectCommonFacts(replay, email);
    expect(replay.headers.subject).toBe("A reused sign-in code was refused on your Twofold account");
    expect(replay.text).toContain("had already been used, and it was refused");
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "totp.replay_refused", here, { method: "totp", reason: "replayed" }))).toEqual([]);

    const cloned = await oneMail(id, "webauthn.counter_regressed", { key: "Travel key" });
    expectCommonFacts(cloned, email);
    expect(cloned.headers.subject).toBe("A security key on your Twofold account may have been copied");
    expect(cloned.text).toContain("One of your security keys answered a sign-in with a signature counter lower than before");
    expect(cloned.text).toContain("\nKey name: Travel key\n");
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "webauthn.counter_regressed", here, { key: "Travel key" }))).toEqual([]);
  });

  it("other sessions signed out (only when there were any)", async () => {
    const { id, email } = await newUser();
    const mail = await oneMail(id, "session.others_revoked", { count: 2 });
    expectCommonFacts(mail, email);
    expect(mail.text).toContain("All other sessions of your account (2 sessions) were signed out.");
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "session.others_revoked", here, { count: 0 }))).toEqual([]);
  });

  it("sign-in from a new user agent + IP pair, once per pair; the sign-up device is known", async () => {
    const { id, email } = await newUser();
    await mailsFor(() => audit.recordSecurityEvent(id, "account.created", here));
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "signin.succeeded", here, { method: "password" }))).toEqual([]);

    const elsewhere = { ip: "198.51.100.20", userAgent: FIREFOX_MAC };
    const mails = await mailsFor(() => audit.recordSecurityEvent(id, "signin.succeeded", elsewhere, { method: "password", second_factor_due: true }));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.headers.to).toBe(email);
    expect(mail.headers.subject).toBe("New sign-in to your Twofold account");
    expect(mail.text).toContain("Firefox on macOS");
    expect(mail.text).toContain("198.51.100.20");
    expect(mail.text).toContain("the second step was then asked for");
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "signin.succeeded", elsewhere, { method: "password" }))).toEqual([]);

    // Same browser, other network: a new pair.
    expect(await mailsFor(() => audit.recordSecurityEvent(id, "signin.succeeded", { ...elsewhere, ip: "198.51.100.21" }, { method: "password" }))).toHaveLength(1);
  });

  it("operator actions say an administrator did them", async () => {
    const { id, email } = await newUser();
    const operator = { ip: null, userAgent: "admin-cli" };
    const reset = await oneMail(id, "admin.second_factors_reset", {}, operator, "operator");
    expect(reset.headers.to).toBe(email);
    expect(reset.text).toContain("An administrator removed every second step");
    expect(reset.text).toContain("Device: the administrators' tool");
    expect(reset.text).toContain("IP address: unknown");
    const revoked = await oneMail(id, "admin.sessions_revoked", { count: 1 }, operator, "operator");
    expect(revoked.text).toContain("An administrator signed out every session of your account (1 session)");
  });

  it("a password changed with a reset link and one changed in settings are told apart", async () => {
    const { id, email } = await newUser();
    const reset = await oneMail(id, "password.reset", { second_factor: "none", sessions_ended: 2 });
    expectCommonFacts(reset, email);
    expect(reset.headers.subject).toBe("The password of your Twofold account was changed");
    expect(reset.text).toContain("with a reset link sent to this address. Every session of your account was signed out");
    const changed = await oneMail(id, "password.changed", { sessions_ended: 1, reset_links_ended: 0 });
    expectCommonFacts(changed, email);
    expect(changed.headers.subject).toBe("The password of your Twofold account was changed");
    expect(changed.text).toContain("on your security settings page");
    expect(changed.text).toContain("Every other session of your account was signed out");
    expect(changed.text).not.toContain("reset link sent to this address");
  });

  it("a request that calls itself the operator's tool is still the user's device", async () => {
    const { id } = await newUser();
    const mail = await oneMail(id, "session.others_revoked", { count: 1 }, { ip: "203.0.113.9", userAgent: "admin-cli" });
    expect(mail.text).not.toContain("administrators' tool");
  });
});
