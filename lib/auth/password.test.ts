import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import argon2 from "argon2";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

// NIST SP 800-63B §5.1.1.2 normalisation, against a real SQLite file (the legacy upgrade writes).
const dir = mkdtempSync(path.join(tmpdir(), "twofold-password-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.AUTH_SECRET = "password-test-secret-".padEnd(48, "p");

let password: typeof import("./password");
let users: typeof import("@/db/queries/users");

beforeAll(async () => {
  password = await import("./password");
  users = await import("@/db/queries/users");
});

afterEach(() => {
  vi.restoreAllMocks();
});

const NFC = "caf\u00e9-au-lait"; // é as one code point
const NFD = "cafe\u0301-au-lait"; // e + combining acute accent

let userCount = 0;
async function newUser(passwordHash: string) {
  const id = `user-${++userCount}`;
  await users.insertUser({ id, email: `${id}@example.test`, passwordHash, createdAt: new Date() });
  return { id, passwordHash };
}

async function storedHash(id: string): Promise<string> {
  return (await users.findUserById(id))!.passwordHash;
}

describe("password normalisation", () => {
  it("verifies the NFC and NFD forms of one password against each other's hash", async () => {
    expect(NFC).not.toBe(NFD);
    const fromNfc = await newUser(await password.hashPassword(NFC));
    const fromNfd = await newUser(await password.hashPassword(NFD));
    expect(await password.verifyUserPassword(fromNfc, NFD)).toBe(true);
    expect(await password.verifyUserPassword(fromNfd, NFC)).toBe(true);
    expect(await password.verifyPassword(fromNfd.passwordHash, NFC)).toBe(true);
  });

  it("hashes the NFKC form (compatibility characters fold too)", async () => {
    const hash = await password.hashPassword("\uff54\uff57\uff4f-full-width"); // ｔｗｏ
    expect(await argon2.verify(hash, "two-full-width")).toBe(true);
  });

  it("accepts a legacy hash of a raw non-normalised password and upgrades it", async () => {
    const legacy = await newUser(await argon2.hash(NFD, password.ARGON2_OPTIONS));
    // Before the upgrade, the other form doesn't match: the hash was made from the raw NFD bytes.
    expect(await password.verifyPassword(legacy.passwordHash, NFC)).toBe(false);

    expect(await password.verifyUserPassword(legacy, NFD)).toBe(true);
    const upgraded = await storedHash(legacy.id);
    expect(upgraded).not.toBe(legacy.passwordHash);
    expect(await argon2.verify(upgraded, NFC)).toBe(true);
    expect(await password.verifyUserPassword({ id: legacy.id, passwordHash: upgraded }, NFC)).toBe(true);
  });

  it("doesn't overwrite a password changed while the legacy check ran", async () => {
    const legacy = await newUser(await argon2.hash(NFD, password.ARGON2_OPTIONS));
    const changed = await password.hashPassword("a brand new password");
    expect(await users.updatePasswordHashIfUnchanged(legacy.id, legacy.passwordHash, changed)).toBe(true);
    // The sign-in still holds the row it read before the change.
    expect(await password.verifyUserPassword(legacy, NFD)).toBe(true);
    expect(await storedHash(legacy.id)).toBe(changed);
  });

  it("refuses wrong passwords, legacy or not, and leaves the hash alone", async () => {
    const current = await newUser(await password.hashPassword(NFC));
    const legacy = await newUser(await argon2.hash(NFD, password.ARGON2_OPTIONS));
    for (const user of [current, legacy]) {
      expect(await password.verifyUserPassword(user, "cafe-au-lait")).toBe(false);
      expect(await password.verifyUserPassword(user, "cafe\u0300-au-lait")).toBe(false);
      expect(await password.verifyUserPassword(user, "")).toBe(false);
      expect(await storedHash(user.id)).toBe(user.passwordHash);
    }
  });

  it("costs one hash for a normalised password, two only when the typed form isn't normalised", async () => {
    const user = await newUser(await password.hashPassword("plain ascii password"));
    const verify = vi.spyOn(argon2, "verify");
    expect(await password.verifyUserPassword(user, "wrong ascii password")).toBe(false);
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockClear();
    expect(await password.verifyUserPassword(user, NFD)).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it("makes the unknown-account check cost what a real account's would", async () => {
    await password.verifyAgainstDummy("warm up the dummy hash");
    const verify = vi.spyOn(argon2, "verify");
    expect(await password.verifyAgainstDummy("plain ascii password")).toBe(false);
    expect(verify).toHaveBeenCalledTimes(1);
    verify.mockClear();
    expect(await password.verifyAgainstDummy(NFD)).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
