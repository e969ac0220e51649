import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";
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
let client: typeof import("@/db/client");

beforeAll(async () => {
  webauthn = await import("./webauthn");
  users = await import("@/db/queries/users");
  client = await import("@/db/client");
  await openSqlite();
});

const sqlite = () => rawSqlite();
const spentCount = () => (sqlite().prepare("SELECT count(*) AS n FROM webauthn_spent_challenges").get() as { n: number }).n;

let userCount = 0;
async function newUser() {
  const id = `user-${++userCount}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash: "x", createdAt: new Date() });
  return id;
}

async function register(userId: string, authenticator: SoftAuthenticator, binding = `session-${userId}`) {
  const options = await webauthn.beginWebAuthnRegistration({ userId, email: `${userId}@example.test`, binding });
  return webauthn.confirmWebAuthnRegistration({ userId, binding, name: "Key", response: authenticator.register(options.challenge, options.user.id) as never });
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
    const options = await webauthn.beginWebAuthnRegistration({ userId: user, email: "x@example.test", binding: "session-a" });
    const result = await webauthn.confirmWebAuthnRegistration({ userId: user, binding: "session-b", name: "Key", response: newKey().register(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });

  it("refuses a challenge made for another user, even in the same session", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const options = await webauthn.beginWebAuthnRegistration({ userId: alice, email: "a@example.test", binding: "session-shared" });
    const result = await webauthn.confirmWebAuthnRegistration({ userId: bob, binding: "session-shared", name: "Key", response: newKey().register(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });

  it("refuses an authentication challenge as a registration challenge (other purpose)", async () => {
    const user = await newUser();
    const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding: `session-${user}`, userId: user });
    const result = await webauthn.confirmWebAuthnRegistration({ userId: user, binding: `session-${user}`, name: "Key", response: newKey().register(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });
});

describe("stateless challenges", () => {
  it("writes nothing when a challenge is issued, one spent row when it is redeemed", async () => {
    const user = await newUser();
    const key = newKey(true);
    await register(user, key);
    const before = spentCount();
    const options = await Promise.all(Array.from({ length: 20 }, (_, i) => webauthn.createAuthenticationOptions({ purpose: "passkey", binding: `attempt-page-${i}` })));
    await webauthn.beginWebAuthnRegistration({ userId: user, email: "x@example.test", binding: "session-z" });
    expect(spentCount()).toBe(before);
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-page-3", response: key.authenticate(options[3]!.challenge) as never });
    expect(result).toMatchObject({ ok: true, userId: user });
    expect(spentCount()).toBe(before + 1);
  });

  it("lets exactly one of several concurrent redemptions of one answer through", async () => {
    const user = await newUser();
    const key = newKey();
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding: `session-${user}`, userId: user });
    const response = key.authenticate(options.challenge);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => webauthn.verifyAuthentication({ purpose: "second_factor", binding: `session-${user}`, userId: user, response: response as never })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array(9).fill({ ok: false, reason: "challenge", challenge: "spent" }));
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
    expect(replay).toEqual({ ok: false, reason: "challenge", challenge: "spent" });
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
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "expired" });
  });

  it("refuses a second-factor challenge issued for another user", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const bobKey = newKey();
    await register(bob, bobKey);
    const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding: "session-shared", userId: alice });
    const result = await webauthn.verifyAuthentication({ purpose: "second_factor", binding: "session-shared", userId: bob, response: bobKey.authenticate(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });

  it("refuses a response to a challenge we never issued", async () => {
    const user = await newUser();
    const key = newKey();
    await register(user, key);
    const made = Buffer.alloc(60, 7).toString("base64url");
    const result = await webauthn.verifyAuthentication({ purpose: "second_factor", binding: `session-${user}`, userId: user, response: key.authenticate(made) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
    const random = await webauthn.verifyAuthentication({ purpose: "second_factor", binding: `session-${user}`, userId: user, response: key.authenticate("c29tZS1jaGFsbGVuZ2U") as never });
    expect(random).toEqual({ ok: false, reason: "challenge", challenge: "malformed" });
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
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-2", response: key.authenticate(options.challenge, { userHandle: webauthn.userHandleOf(user) }) as never });
    // The authenticator didn't verify the user, which a passkey sign-in requires.
    expect(result).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a key registered as non-discoverable, even when it verifies the user", async () => {
    const user = await newUser();
    const key = new SoftAuthenticator({ origin: ORIGIN, rpId: "localhost", passkey: true, discoverable: false });
    expect(await register(user, key)).toMatchObject({ ok: true, credential: { isPasskey: false } });
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-8" });
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-8", response: key.authenticate(options.challenge) as never });
    expect(result).toMatchObject({ ok: false, reason: "not_passkey", credential: { id: key.id } });
  });

  it("refuses a response whose user handle names another account (WebAuthn §7.2 step 6)", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const key = newKey(true);
    await register(alice, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-5" });
    const result = await webauthn.verifyAuthentication({
      purpose: "passkey", binding: "attempt-5",
      response: key.authenticate(options.challenge, { userHandle: webauthn.userHandleOf(bob) }) as never,
    });
    expect(result).toEqual({ ok: false, reason: "user_handle" });
  });

  it("refuses a passkey sign-in response without a user handle", async () => {
    const user = await newUser();
    const key = newKey(true);
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-6" });
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-6", response: key.authenticate(options.challenge, { userHandle: null }) as never });
    expect(result).toEqual({ ok: false, reason: "user_handle" });
  });

  it("re-authenticates with the signed-in user's passkeys only", async () => {
    const alice = await newUser();
    const mallory = await newUser();
    const alicePasskey = newKey(true);
    const aliceKey = newKey(false);
    const malloryPasskey = newKey(true);
    await register(alice, alicePasskey);
    await register(alice, aliceKey);
    await register(mallory, malloryPasskey);
    const binding = `session-${alice}`;
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding, userId: alice });
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([alicePasskey.id]);
    const wrong = await webauthn.verifyAuthentication({ purpose: "passkey", binding, userId: alice, response: malloryPasskey.authenticate(options.challenge) as never });
    expect(wrong).toEqual({ ok: false, reason: "wrong_user" });
    const again = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding, userId: alice });
    const right = await webauthn.verifyAuthentication({ purpose: "passkey", binding, userId: alice, response: alicePasskey.authenticate(again.challenge) as never });
    expect(right).toMatchObject({ ok: true, userId: alice, multiFactor: true });
    // A sign-in challenge (nobody known, bound to an attempt cookie) is not a re-authentication's.
    const signIn = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding });
    const mixed = await webauthn.verifyAuthentication({ purpose: "passkey", binding, userId: alice, response: alicePasskey.authenticate(signIn.challenge) as never });
    expect(mixed).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });

  it("refuses a challenge bound to another sign-in attempt", async () => {
    const user = await newUser();
    const key = newKey(true);
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "passkey", binding: "attempt-3" });
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-4", response: key.authenticate(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });

  it("refuses a second-factor challenge presented as a passkey sign-in (other purpose)", async () => {
    const user = await newUser();
    const key = newKey(true);
    await register(user, key);
    const options = await webauthn.createAuthenticationOptions({ purpose: "second_factor", binding: "attempt-7", userId: user });
    const result = await webauthn.verifyAuthentication({ purpose: "passkey", binding: "attempt-7", response: key.authenticate(options.challenge) as never });
    expect(result).toEqual({ ok: false, reason: "challenge", challenge: "forged" });
  });
});
