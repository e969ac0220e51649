import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";
import { totp } from "@/e2e/support/totp";
import { SoftAuthenticator } from "@/test/soft-authenticator";

// Every method through the shared interface (lib/mfa/types.ts): the reason each `verify` gives,
// and what each `remove` does, including the after-removal rule. Real SQLite file, real codes.
const ORIGIN = "http://localhost:3998";
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-methods-")), "test.db");
process.env.APP_ORIGIN = ORIGIN;
process.env.AUTH_SECRET = "methods-test-secret-".padEnd(48, "m");

let mfa: typeof import("./index");
let totpModule: typeof import("./totp");
let rc: typeof import("./recovery-codes");
let webauthn: typeof import("./webauthn");
let input: typeof import("./webauthn-input");
let users: typeof import("@/db/queries/users");
let client: typeof import("@/db/client");

beforeAll(async () => {
  mfa = await import("./index");
  totpModule = await import("./totp");
  rc = await import("./recovery-codes");
  webauthn = await import("./webauthn");
  input = await import("./webauthn-input");
  users = await import("@/db/queries/users");
  client = await import("@/db/client");
  await openSqlite();
});

const here = { client: { ip: "192.0.2.7", userAgent: "vitest" } };
const sqlite = () => rawSqlite();
const eventsOf = (userId: string) =>
  (sqlite().prepare("SELECT type, detail FROM security_events WHERE user_id = ? ORDER BY id").all(userId) as Array<{ type: string; detail: string }>).map(
    (e) => ({ type: e.type, detail: JSON.parse(e.detail) as Record<string, unknown> }),
  );

let userCount = 0;
async function newUser() {
  const id = `user-${++userCount}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: new Date() });
  return id;
}

/** Enrols an authenticator app named `name` at `at`; returns the secret (base32). */
async function withTotp(userId: string, at: Date, name = "Phone") {
  const enrolment = await totpModule.beginTotpEnrolment(userId, "session-1", `${userId}@example.test`, name);
  const secret = enrolment.setupKey.replaceAll(" ", "");
  expect(await totpModule.confirmTotpEnrolment(enrolment.sealed, totp(secret, at.getTime()), userId, "session-1", at)).toEqual({ ok: true, name });
  return secret;
}

const appId = async (userId: string, name: string) => (await totpModule.listTotpApps(userId)).find((a) => a.name === name)!.id;

async function withRecoveryCodes(userId: string) {
  const binding = { sessionId: "session-1", view: "view-1" };
  const pending = await rc.beginRecoveryCodeSet(userId, binding);
  expect(await rc.confirmRecoveryCodeSet(pending.sealed, userId, binding)).toMatchObject({ ok: true });
  return pending.codes;
}

const newKey = () => new SoftAuthenticator({ origin: ORIGIN, rpId: "localhost" });

async function withKey(userId: string, key = newKey()) {
  const options = await webauthn.beginWebAuthnRegistration({ userId, email: `${userId}@example.test`, binding: `session-${userId}` });
  const response = input.registrationResponseSchema.parse(key.register(options.challenge, options.user.id));
  expect(await webauthn.confirmWebAuthnRegistration({ userId, binding: `session-${userId}`, name: "Blue key", response })).toMatchObject({ ok: true });
  return key;
}

/** A second-factor assertion from `key`, parsed as the sign-in action parses it. */
async function assertion(userId: string, key: SoftAuthenticator, overrides: { counter?: number } = {}) {
  const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding: `session-${userId}`, userId });
  return { response: input.authenticationResponseSchema.parse(key.authenticate(options.challenge, overrides)), binding: `session-${userId}` };
}

describe("the registry", () => {
  it("hands out each method by its id", () => {
    for (const id of ["totp", "webauthn", "lookup_secret"] as const) expect(mfa.secondFactorMethod(id).id).toBe(id);
  });
});

describe("TOTP verify", () => {
  it("answers not_enrolled, invalid, then ok once and replayed after", async () => {
    const method = mfa.secondFactorMethod("totp");
    const userId = await newUser();
    const enrolledAt = new Date("2026-11-02T10:00:00Z");
    expect(await method.verify(userId, { code: "123456" }, { ...here, now: enrolledAt })).toEqual({ ok: false, reason: "not_enrolled" });
    const secret = await withTotp(userId, enrolledAt);
    const later = new Date(enrolledAt.getTime() + 60_000);
    expect(await method.verify(userId, { code: "not a code" }, { ...here, now: later })).toEqual({ ok: false, reason: "invalid" });
    const wrong = totp(secret, later.getTime()) === "000000" ? "111111" : "000000";
    expect(await method.verify(userId, { code: wrong }, { ...here, now: later })).toEqual({ ok: false, reason: "invalid" });
    // The enrolment code counts as used.
    expect(await method.verify(userId, { code: totp(secret, enrolledAt.getTime()) }, { ...here, now: enrolledAt })).toEqual({ ok: false, reason: "replayed", detail: { app: "Phone" } });
    const code = totp(secret, later.getTime());
    expect(await method.verify(userId, { code }, { ...here, now: later })).toEqual({ ok: true, detail: { app: "Phone" } });
    expect(await method.verify(userId, { code }, { ...here, now: later })).toEqual({ ok: false, reason: "replayed", detail: { app: "Phone" } });
  });

  it("accepts a code from whichever app made it, each app with its own replay state", async () => {
    const method = mfa.secondFactorMethod("totp");
    const userId = await newUser();
    const at = new Date("2026-11-03T10:00:00Z");
    const phone = await withTotp(userId, at, "Phone");
    const tablet = await withTotp(userId, at, "Tablet");
    expect(phone).not.toBe(tablet);
    const later = new Date(at.getTime() + 60_000);
    expect(await method.verify(userId, { code: totp(tablet, later.getTime()) }, { ...here, now: later })).toEqual({ ok: true, detail: { app: "Tablet" } });
    // The same step from the other app is still fresh for that app.
    expect(await method.verify(userId, { code: totp(phone, later.getTime()) }, { ...here, now: later })).toEqual({ ok: true, detail: { app: "Phone" } });
    expect(await method.verify(userId, { code: totp(phone, later.getTime()) }, { ...here, now: later })).toEqual({ ok: false, reason: "replayed", detail: { app: "Phone" } });
  });

  it("adding a second app leaves the first and the recovery codes alone", async () => {
    const userId = await newUser();
    await withTotp(userId, new Date(), "Old phone");
    const codes = await withRecoveryCodes(userId);
    await withTotp(userId, new Date(), "New phone");
    expect((await totpModule.listTotpApps(userId)).map((a) => a.name)).toEqual(["Old phone", "New phone"]);
    expect((await rc.getRecoveryCodesStatus(userId))?.remaining).toBe(codes.length);
  });

  it("names the next app so it differs from the others", () => {
    expect(totpModule.defaultTotpAppName([])).toBe("Authenticator app");
    expect(totpModule.defaultTotpAppName(["Phone"])).toBe("Authenticator app");
    expect(totpModule.defaultTotpAppName(["Authenticator app"])).toBe("Authenticator app 2");
    expect(totpModule.defaultTotpAppName(["Authenticator app", "Authenticator app 2"])).toBe("Authenticator app 3");
  });

  it("refuses an enrolment past the cap of apps", async () => {
    const userId = await newUser();
    for (let i = 0; i < totpModule.MAX_TOTP_APPS; i++) await withTotp(userId, new Date(), `App ${i}`);
    const enrolment = await totpModule.beginTotpEnrolment(userId, "session-1", `${userId}@example.test`, "One more");
    const secret = enrolment.setupKey.replaceAll(" ", "");
    expect(await totpModule.confirmTotpEnrolment(enrolment.sealed, totp(secret, Date.now()), userId, "session-1")).toEqual({ ok: false, reason: "too_many" });
  });
});

describe("recovery code verify", () => {
  it("answers invalid for unknown and spent codes, and ok with the code's number", async () => {
    const method = mfa.secondFactorMethod("lookup_secret");
    const userId = await newUser();
    const codes = await withRecoveryCodes(userId);
    expect(await method.verify(userId, { code: "2222-2222-2222-2222" }, here)).toEqual({ ok: false, reason: "invalid" });
    expect(await method.verify(userId, { code: codes[1]! }, here)).toEqual({ ok: true, detail: { code_number: 2, codes_remaining: 9 } });
    expect(await method.verify(userId, { code: codes[1]! }, here)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("WebAuthn verify", () => {
  it("answers ok with the key's name, and invalid for another account's key or a spent challenge", async () => {
    const method = mfa.secondFactorMethod("webauthn");
    const alice = await newUser();
    const bob = await newUser();
    const key = await withKey(alice);
    const bobKey = await withKey(bob);
    const use = await assertion(alice, key);
    expect(await method.verify(alice, use, here)).toEqual({ ok: true, detail: { key: "Blue key" } });
    expect(await method.verify(alice, use, here)).toMatchObject({ ok: false, reason: "invalid", detail: { refusal: "challenge_spent" } });
    expect(await method.verify(alice, await assertion(alice, bobKey), here)).toMatchObject({ ok: false, reason: "invalid", detail: { refusal: "wrong_user" } });
    expect(eventsOf(alice)).toEqual([]);
  });

  it("answers possibly_cloned for a counter that went backwards, and logs it for the owner", async () => {
    const method = mfa.secondFactorMethod("webauthn");
    const userId = await newUser();
    const key = await withKey(userId);
    expect(await method.verify(userId, await assertion(userId, key, { counter: 5 }), here)).toMatchObject({ ok: true });
    expect(await method.verify(userId, await assertion(userId, key, { counter: 3 }), here)).toEqual({
      ok: false,
      reason: "possibly_cloned",
      detail: { refusal: "counter" },
    });
    expect(eventsOf(userId)).toEqual([{ type: "webauthn.counter_regressed", detail: { key: "Blue key" } }]);
  });
});

describe("remove", () => {
  it("TOTP: one app by id; codes stay while another app remains, and go with the last one", async () => {
    const method = mfa.secondFactorMethod("totp");
    const userId = await newUser();
    const other = await newUser();
    expect(await method.remove(userId, undefined, here)).toEqual({ ok: false, reason: "not_found" });
    await withTotp(userId, new Date(), "Old phone");
    await withTotp(userId, new Date(), "New phone");
    await withRecoveryCodes(userId);
    const old = await appId(userId, "Old phone");
    expect(await method.remove(userId, undefined, here)).toEqual({ ok: false, reason: "not_found" });
    expect(await method.remove(other, old, here)).toEqual({ ok: false, reason: "not_found" });
    expect(await method.remove(userId, old, here)).toEqual({ ok: true, recoveryCodesDeleted: false, detail: { app: "Old phone" } });
    expect(await mfa.enrolledMethods(userId)).toEqual(["totp", "lookup_secret"]);
    expect(await method.remove(userId, await appId(userId, "New phone"), here)).toEqual({ ok: true, recoveryCodesDeleted: true, detail: { app: "New phone" } });
    expect(await mfa.enrolledMethods(userId)).toEqual([]);
    // The last one says so in its event (its mail says two-step verification is off); the first doesn't.
    expect(eventsOf(userId)).toEqual([
      { type: "totp.removed", detail: { app: "Old phone" } },
      { type: "totp.removed", detail: { app: "New phone", last_second_factor: true, recovery_codes_deleted: true } },
      { type: "recovery_codes.deleted", detail: { reason: "no_second_factor_left" } },
    ]);
  });

  it("marks the removal of the last second factor also when the account had no recovery codes", async () => {
    const userId = await newUser();
    const key = await withKey(userId);
    expect(await mfa.secondFactorMethod("webauthn").remove(userId, key.id, here)).toEqual({ ok: true, recoveryCodesDeleted: false, detail: { key: "Blue key" } });
    expect(eventsOf(userId)).toEqual([{ type: "webauthn.removed", detail: { key: "Blue key", last_second_factor: true, recovery_codes_deleted: false } }]);
  });

  it("WebAuthn: only the user's own key by id; codes stay while another second factor remains", async () => {
    const method = mfa.secondFactorMethod("webauthn");
    const userId = await newUser();
    const other = await newUser();
    const key = await withKey(userId);
    await withTotp(userId, new Date());
    await withRecoveryCodes(userId);
    expect(await method.remove(userId, undefined, here)).toEqual({ ok: false, reason: "not_found" });
    expect(await method.remove(other, key.id, here)).toEqual({ ok: false, reason: "not_found" });
    expect(await method.remove(userId, key.id, here)).toEqual({ ok: true, recoveryCodesDeleted: false, detail: { key: "Blue key" } });
    expect(await method.remove(userId, key.id, here)).toEqual({ ok: false, reason: "not_found" });
    expect(await mfa.enrolledMethods(userId)).toEqual(["totp", "lookup_secret"]);
    expect(eventsOf(userId)).toEqual([{ type: "webauthn.removed", detail: { key: "Blue key" } }]);
  });

  it("recovery codes: the whole set, logged; not_found when there is none", async () => {
    const method = mfa.secondFactorMethod("lookup_secret");
    const userId = await newUser();
    expect(await method.remove(userId, undefined, here)).toEqual({ ok: false, reason: "not_found" });
    await withRecoveryCodes(userId);
    expect(await method.remove(userId, undefined, here)).toEqual({ ok: true, recoveryCodesDeleted: true });
    expect(await method.isEnrolled(userId)).toBe(false);
    expect(eventsOf(userId).map((e) => e.type)).toEqual(["recovery_codes.deleted"]);
  });
});
