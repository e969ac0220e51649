import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "@/test/database";

// The last way in across kinds, on SQLite and (in the PostgreSQL pass) on PostgreSQL: an account
// whose only ways in are one linked identity and one passkey keeps one of them when the identity
// is unlinked and the passkey removed at the same moment (two tabs).
process.env.OUTBOX_DIR = path.join(mkdtempSync(path.join(tmpdir(), "twofold-unlink-race-")), "outbox");
process.env.APP_ORIGIN = "http://localhost:3996";
process.env.AUTH_SECRET = "unlink-race-test-secret-".padEnd(48, "u");
delete process.env.SMTP_URL;

const CLIENT = { ip: "192.0.2.10", userAgent: "vitest" };
const ROUNDS = 25;

let mfa: typeof import("@/lib/mfa");
let identities: typeof import("@/lib/auth/linked-identities");
let linked: typeof import("@/db/queries/linked-identities");
let users: typeof import("@/db/queries/users");
let webauthn: typeof import("@/db/queries/webauthn");
let queue: typeof import("@/lib/mail/queue");
let client: typeof import("@/db/client");

beforeAll(async () => {
  await useFreshDatabase("unlink_race");
  mfa = await import("@/lib/mfa");
  identities = await import("@/lib/auth/linked-identities");
  linked = await import("@/db/queries/linked-identities");
  users = await import("@/db/queries/users");
  webauthn = await import("@/db/queries/webauthn");
  queue = await import("@/lib/mail/queue");
  client = await import("@/db/client");
});

afterAll(async () => {
  await queue.settleMailDelivery();
  await client.closeDb();
});

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** An account made through the provider (no password) that has since added one passkey. */
async function identityAndPasskeyUser(): Promise<{ id: string; identity: string; passkey: string }> {
  const id = randomUUID();
  const { NO_PASSWORD_HASH } = await import("@/lib/auth/password");
  expect(await users.insertUser({ id, email: `${id}@example.test`, passwordHash: NO_PASSWORD_HASH, createdAt: new Date() })).toBe(true);
  const identity = randomUUID();
  expect(
    await linked.insertLinkedIdentity({
      id: identity, userId: id, provider: "oidc", issuer: "https://id.example.test", subject: `sub-${id}`,
      email: `${id}@example.test`, createdAt: new Date(), lastUsedAt: null,
    }),
  ).toBe(true);
  const passkey = `cred-${id}`;
  await webauthn.insertWebAuthnCredential({
    id: passkey, userId: id, name: passkey, publicKey: Buffer.from([1, 2, 3]), counter: 0, transports: "[]",
    deviceType: "singleDevice", backedUp: false, isPasskey: true, aaguid: null, createdAt: new Date(), lastUsedAt: null,
  });
  return { id, identity, passkey };
}

describe("unlinking an identity while removing a passkey", () => {
  it("refuses to unlink the only identity of an account with no password and no passkey", async () => {
    const user = await identityAndPasskeyUser();
    expect(await mfa.secondFactorMethod("webauthn").remove(user.id, user.passkey, { client: CLIENT })).toMatchObject({ ok: true });
    expect(await identities.unlinkIdentity(user.id, user.identity, CLIENT)).toBe("last");
    expect(await linked.listLinkedIdentities(user.id)).toHaveLength(1);
  });

  it(`lets exactly one of the two go, every time (${ROUNDS} accounts)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = await identityAndPasskeyUser();
      // Each round starts the removal a few event-loop turns after the unlink (none in round 0), so
      // the rounds between them cover the interleavings of the two: any read outside the lock shows.
      const [unlinked, removed] = await Promise.all([
        identities.unlinkIdentity(user.id, user.identity, CLIENT),
        turns(round % 6).then(() => mfa.secondFactorMethod("webauthn").remove(user.id, user.passkey, { client: CLIENT })),
      ]);
      const wins = [unlinked === "unlinked", removed.ok].filter(Boolean).length;
      expect(wins, `round ${round}: unlink ${String(unlinked)}, removal ${JSON.stringify(removed)}`).toBe(1);
      if (unlinked !== "unlinked") expect(unlinked).toBe("last");
      if (!removed.ok) expect(removed).toEqual({ ok: false, reason: "only_way_in" });
      const left = (await linked.listLinkedIdentities(user.id)).length + (await webauthn.listWebAuthnCredentials(user.id)).filter((k) => k.isPasskey).length;
      expect(left).toBe(1);
    }
  });
});
