import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SoftAuthenticator } from "@/test/soft-authenticator";

// Server-side refusals of the WebAuthn ceremonies, against a real SQLite file and real signatures.
const ORIGIN = "http://localhost:3999";
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-webauthn-")), "test.db");
process.env.APP_ORIGIN = ORIGIN;
process.env.AUTH_SECRET = "webauthn-test-secret-".padEnd(48, "x");

type WebAuthn = typeof import("./webauthn");
type Users = typeof import("@/db/queries/users");
let webauthn: WebAuthn;
let users: Users;

beforeAll(async () => {
  webauthn = await import("./webauthn");
  users = await import("@/db/queries/users");
});

let userCount = 0;
async function newUser() {
  const id = `user-${++userCount}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: new Date() });
  return id;
}

async function register(userId: string, authenticator: SoftAuthenticator, binding = `session-${userId}`) {
  const options = await webauthn.createRegistrationOptions({ userId, email: `${userId}@example.test`, binding });
  return webauthn.verifyRegistration({ userId, binding, name: "Key", response: authenticator.register(options.challenge) as never });
}

async function secondFactor(userId: string, authenticator: SoftAuthenticator, overrides: Parameters<SoftAuthenticator["authenticate"]>[1] = {}, binding = `session-${userId}`) {
  const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding, userId });
  const response = authenticator.authenticate(options.challenge, overrides);
  return { response, result: await webauthn.verifyAuthentication({ purpose: "second_factor", binding, userId, response: response as never }) };
}

const newKey = (passkey = false) => new SoftAuthenticator({ origin: ORIGIN, rpId: "localhost", passkey });

describe("registration", () => {
  it("stores a credential once and refuses the same credential id anywhere", async () => {
    const alice = await newUser();
    const key = newKey();
    expect(await register(alice, key)).toMatchObject({ ok: true, credential: { id: key.id, isPasskey: false } });
    expect(await register(alice, key)).toEqual({ ok: false, reason: "duplicate" });
    expect(await register(await newUser(), key)).toEqual({ ok: false, reason: "duplicate" });
  });

  it("marks discoverable, user-verifying credentials as passkeys", async () => {
    expect(await register(await newUser(), newKey(true))).toMatchObject({ ok: true, credential: { isPasskey: true } });
  });

  it("refuses a challenge made for another session", async () => {
    const user = await newUser();
    const options = await webauthn.createRegistrationOptions({ userId: user, email: "x@example.test", binding: "session-a" });
    const result = await webauthn.verifyRegistration({ userId: user, binding: "session-b", name: "Key", response: newKey().register(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge" });
  });
});

describe("authentication refusals", () => {
  it("accepts a fresh assertion and refuses the same response replayed", async () => {
    const user = await newUser();
    const key = newKey();
    await register(user, key);
    const { response, result } = await secondFactor(user, key);
    expect(result).toMatchObject({ ok: true, userId: user, multiFactor: false });
    const replay = await webauthn.verifyAuthentication({ purpose: "second_factor", binding: `session-${user}`, userId: user, response: response as never });
    expect(replay).toEqual({ ok: false, reason: "challenge" });
  });

  it("refuses an expired challenge", async () => {
    const user = await newUser();
    const key = newKey();
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding: `session-${user}`, userId: user });
    const later = new Date(Date.now() + (webauthn.CHALLENGE_TTL_SECONDS + 1) * 1000);
    const result = await webauthn.verifyAuthentication({
      purpose: "second_factor", binding: `session-${user}`, userId: user, now: later,
      response: key.authenticate(options.challenge) as never,
    });
    expect(result).toEqual({ ok: false, reason: "challenge" });
  });

  it("refuses an assertion made for another origin (phishing)", async () => {
    const user = await newUser();
    const key = newKey();
    await register(user, key);
    const { result } = await secondFactor(user, key, { origin: "https://evil.example" });
    expect(result).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses another user's credential as this user's second factor", async () => {
    const alice = await newUser();
    const mallory = await newUser();
    const malloryKey = newKey();
    await register(alice, newKey());
    await register(mallory, malloryKey);
    const { result } = await secondFactor(alice, malloryKey);
    expect(result).toEqual({ ok: false, reason: "wrong_user" });
  });

  it("refuses a signature counter that goes backwards (possible cloned key)", async () => {
    const user = await newUser();
    const key = newKey();
    await register(user, key);
    expect((await secondFactor(user, key, { counter: 10 })).result.ok).toBe(true);
    const { result } = await secondFactor(user, key, { counter: 7 });
    expect(result).toMatchObject({ ok: false, reason: "counter", credential: { id: key.id } });
    expect((await secondFactor(user, key, { counter: 10 })).result).toMatchObject({ ok: false, reason: "counter" });
    expect((await secondFactor(user, key, { counter: 11 })).result.ok).toBe(true);
  });

  it("allows authenticators that keep no counter", () => {
    expect(webauthn.counterRegressed(0, 0)).toBe(false);
    expect(webauthn.counterRegressed(3, 0)).toBe(true);
    expect(webauthn.counterRegressed(3, 4)).toBe(false);
  });
});

describe("passkey sign-in", () => {
  it("signs in with a passkey as a multi-factor authentication", async () => {
    const user = await newUser();
    const key = newKey(true);
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-1" });
    expect(options.userVerification).toBe("required");
    expect(options.allowCredentials ?? []).toEqual([]);
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-1", response: key.authenticate(options.challenge) as never });
    expect(result).toMatchObject({ ok: true, userId: user, multiFactor: true });
  });

  it("refuses a key registered without user verification", async () => {
    const user = await newUser();
    const key = newKey(false);
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-2" });
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-2", response: key.authenticate(options.challenge) as never });
    expect(result.ok).toBe(false);
  });

  it("refuses a challenge bound to another sign-in attempt", async () => {
    const user = await newUser();
    const key = newKey(true);
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-3" });
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-4", response: key.authenticate(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge" });
  });
});
