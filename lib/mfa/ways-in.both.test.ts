import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";

// The last way in, through the registry's own removal, on SQLite and (in the PostgreSQL pass) on
// PostgreSQL: an account with no password and no identity keeps one passkey, even when its two
// passkeys are removed at the same moment.
process.env.OUTBOX_DIR = path.join(mkdtempSync(path.join(tmpdir(), "twofold-ways-in-")), "outbox");
process.env.APP_ORIGIN = "http://localhost:3997";
process.env.AUTH_SECRET = "ways-in-test-secret-".padEnd(48, "w");
delete process.env.SMTP_URL;

const CLIENT = { ip: "192.0.2.9", userAgent: "vitest" };

let mfa: typeof import("@/lib/mfa");
let users: typeof import("@/db/queries/users");
let webauthn: typeof import("@/db/queries/webauthn");
let queue: typeof import("@/lib/mail/queue");
let client: typeof import("@/db/client");

beforeAll(async () => {
  await useFreshDatabase("ways_in");
  mfa = await import("@/lib/mfa");
  users = await import("@/db/queries/users");
  webauthn = await import("@/db/queries/webauthn");
  queue = await import("@/lib/mail/queue");
  client = await import("@/db/client");
});

afterAll(async () => {
  await queue.settleMailDelivery();
  await client.closeDb();
});

async function passwordlessUser(passkeys: number): Promise<{ id: string; keys: string[] }> {
  const id = randomUUID();
  const { NO_PASSWORD_HASH } = await import("@/lib/auth/password");
  expect(await users.insertUser({ id, email: `${id}@example.test`, passwordHash: NO_PASSWORD_HASH, createdAt: new Date() })).toBe(true);
  const keys = Array.from({ length: passkeys }, (_, n) => `cred-${id}-${n}`);
  for (const key of keys) {
    await webauthn.insertWebAuthnCredential({
      id: key, userId: id, name: key, publicKey: Buffer.from([1, 2, 3]), counter: 0, transports: "[]",
      deviceType: "singleDevice", backedUp: false, isPasskey: true, aaguid: null, createdAt: new Date(), lastUsedAt: null,
    });
  }
  return { id, keys };
}

describe("removing the only way in", () => {
  it("refuses the only passkey of an account without a password or identity", async () => {
    const user = await passwordlessUser(1);
    expect(await mfa.secondFactorMethod("webauthn").remove(user.id, user.keys[0], { client: CLIENT })).toEqual({ ok: false, reason: "only_way_in" });
    expect(await webauthn.listWebAuthnCredentials(user.id)).toHaveLength(1);
  });

  it("lets exactly one of two passkeys go when both are removed at once", async () => {
    const user = await passwordlessUser(2);
    const results = await Promise.all(user.keys.map((key) => mfa.secondFactorMethod("webauthn").remove(user.id, key, { client: CLIENT })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "only_way_in" }]);
    expect(await webauthn.listWebAuthnCredentials(user.id)).toHaveLength(1);
  });
});
