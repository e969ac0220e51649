import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// Sealing, opening and spending stateless WebAuthn challenges, against a real SQLite file, with a
// key rotation (AUTH_SECRET_PREVIOUS).
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-challenge-")), "test.db");
const OLD_SECRET = "challenge-test-old-secret-".padEnd(48, "o");
const NEW_SECRET = "challenge-test-new-secret-".padEnd(48, "n");
process.env.AUTH_SECRET = NEW_SECRET;
delete process.env.AUTH_SECRET_PREVIOUS;

type Challenges = typeof import("./webauthn-challenge");
let ch: Challenges;
let queries: typeof import("@/db/queries/webauthn");
let client: typeof import("@/db/client");

beforeAll(async () => {
  ch = await import("./webauthn-challenge");
  queries = await import("@/db/queries/webauthn");
  client = await import("@/db/client");
  await openSqlite();
});

const sqlite = () => rawSqlite();
const spentRows = () => (sqlite().prepare("SELECT count(*) AS n FROM webauthn_spent_challenges").get() as { n: number }).n;

const scope = { purpose: "second_factor", binding: "session-1", userId: "user-1" } as const;

/** Flips one bit of the decoded challenge at `index` (negative: from the end, i.e. in the tag). */
function tamper(challenge: string, index: number): string {
  const bytes = Buffer.from(challenge, "base64url");
  bytes[(index + bytes.length) % bytes.length]! ^= 0x01;
  return bytes.toString("base64url");
}

describe("sealed challenges", () => {
  it("are 60 random-looking bytes, different every time, and open for their own scope", () => {
    const a = ch.sealChallenge(scope);
    const b = ch.sealChallenge(scope);
    expect(a).toMatch(/^[A-Za-z0-9_-]{80}$/);
    expect(a).not.toBe(b);
    expect(ch.openChallenge(a, scope)).toMatchObject({ ok: true });
  });

  it("refuse a tampered tag, nonce or expiry", () => {
    const sealed = ch.sealChallenge(scope);
    expect(ch.openChallenge(tamper(sealed, -1), scope)).toEqual({ ok: false, reason: "forged" });
    expect(ch.openChallenge(tamper(sealed, 10), scope)).toEqual({ ok: false, reason: "forged" });
    // The expiry's low byte: pushing it later doesn't help without the key.
    expect(ch.openChallenge(tamper(sealed, 27), scope)).toEqual({ ok: false, reason: "forged" });
  });

  it("refuse another purpose, another binding and another user", () => {
    const sealed = ch.sealChallenge(scope);
    expect(ch.openChallenge(sealed, { ...scope, purpose: "passkey" })).toEqual({ ok: false, reason: "forged" });
    expect(ch.openChallenge(sealed, { ...scope, purpose: "register" })).toEqual({ ok: false, reason: "forged" });
    expect(ch.openChallenge(sealed, { ...scope, binding: "session-2" })).toEqual({ ok: false, reason: "forged" });
    expect(ch.openChallenge(sealed, { ...scope, userId: "user-2" })).toEqual({ ok: false, reason: "forged" });
    // "Nobody yet" (a passkey sign-in) is not the same as any user, not even an empty id.
    const anonymous = ch.sealChallenge({ purpose: "passkey", binding: "attempt", userId: null });
    expect(ch.openChallenge(anonymous, { purpose: "passkey", binding: "attempt", userId: "" })).toEqual({ ok: false, reason: "forged" });
    expect(ch.openChallenge(anonymous, { purpose: "passkey", binding: "attempt", userId: null })).toMatchObject({ ok: true });
  });

  it("can't shift bytes between binding and user", () => {
    const sealed = ch.sealChallenge({ purpose: "register", binding: "ab", userId: "c" });
    expect(ch.openChallenge(sealed, { purpose: "register", binding: "a", userId: "bc" })).toEqual({ ok: false, reason: "forged" });
  });

  it("expire after CHALLENGE_TTL_SECONDS", () => {
    const issued = new Date("2026-01-01T00:00:00Z");
    const sealed = ch.sealChallenge(scope, issued);
    const justBefore = new Date(issued.getTime() + ch.CHALLENGE_TTL_SECONDS * 1000 - 1);
    const atExpiry = new Date(issued.getTime() + ch.CHALLENGE_TTL_SECONDS * 1000);
    expect(ch.openChallenge(sealed, scope, justBefore)).toEqual({ ok: true, expiresAt: atExpiry });
    expect(ch.openChallenge(sealed, scope, atExpiry)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuse what isn't one of ours", () => {
    for (const value of [undefined, 42, "", "short", "=".repeat(80), "A".repeat(79), "A".repeat(81), "+".repeat(80)]) {
      expect(ch.openChallenge(value, scope)).toEqual({ ok: false, reason: "malformed" });
    }
    // Right shape, unknown key id.
    expect(ch.openChallenge("A".repeat(80), scope)).toEqual({ ok: false, reason: "forged" });
  });
});

describe("redeeming", () => {
  it("writes nothing when issuing; spends a challenge exactly once", async () => {
    const before = spentRows();
    const sealed = ch.sealChallenge(scope);
    expect(spentRows()).toBe(before);
    expect(await ch.redeemChallenge(sealed, scope)).toEqual({ ok: true });
    expect(spentRows()).toBe(before + 1);
    expect(await ch.redeemChallenge(sealed, scope)).toEqual({ ok: false, reason: "spent" });
  });

  it("lets exactly one of concurrent redemptions through", async () => {
    const sealed = ch.sealChallenge(scope);
    const results = await Promise.all(Array.from({ length: 20 }, () => ch.redeemChallenge(sealed, scope)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "spent")).toHaveLength(19);
  });

  it("spends nothing for a refused challenge", async () => {
    const before = spentRows();
    const sealed = ch.sealChallenge(scope);
    expect(await ch.redeemChallenge(sealed, { ...scope, binding: "session-other" })).toEqual({ ok: false, reason: "forged" });
    expect(await ch.redeemChallenge(sealed, scope, new Date(Date.now() + 3_600_000))).toEqual({ ok: false, reason: "expired" });
    expect(spentRows()).toBe(before);
    expect(await ch.redeemChallenge(sealed, scope)).toEqual({ ok: true });
  });

  it("keeps a spent challenge until it would have expired, then housekeeping removes it", async () => {
    const issued = new Date();
    const sealed = ch.sealChallenge(scope, issued);
    expect(await ch.redeemChallenge(sealed, scope, issued)).toEqual({ ok: true });
    const expiry = new Date(issued.getTime() + ch.CHALLENGE_TTL_SECONDS * 1000);
    const hash = (await import("node:crypto")).createHash("sha256").update(sealed).digest("hex");
    const row = () => sqlite().prepare("SELECT expires_at AS expiresAt FROM webauthn_spent_challenges WHERE challenge_hash = ?").get(hash) as { expiresAt: number } | undefined;
    expect(row()).toEqual({ expiresAt: expiry.getTime() });
    await queries.deleteExpiredSpentChallenges(new Date(expiry.getTime() - 1));
    expect(row()).toBeDefined();
    expect(await queries.deleteExpiredSpentChallenges(expiry)).toBeGreaterThanOrEqual(1);
    expect(row()).toBeUndefined();
  });
});

describe("key rotation", () => {
  /** The module as a process configured with these secrets would load it. */
  async function loadWith(current: string, previous?: string): Promise<Challenges> {
    vi.resetModules();
    process.env.AUTH_SECRET = current;
    if (previous) process.env.AUTH_SECRET_PREVIOUS = previous;
    else delete process.env.AUTH_SECRET_PREVIOUS;
    return import("./webauthn-challenge");
  }

  it("accepts a challenge issued under the previous AUTH_SECRET while rotating, and not after", async () => {
    const before = await loadWith(OLD_SECRET);
    const issued = before.sealChallenge(scope);
    const rotating = await loadWith(NEW_SECRET, OLD_SECRET);
    expect(rotating.openChallenge(issued, scope)).toMatchObject({ ok: true });
    expect(rotating.openChallenge(issued, { ...scope, userId: "user-2" })).toEqual({ ok: false, reason: "forged" });
    expect(await rotating.redeemChallenge(issued, scope)).toEqual({ ok: true });
    const after = await loadWith(NEW_SECRET);
    expect(after.openChallenge(before.sealChallenge(scope), scope)).toEqual({ ok: false, reason: "forged" });
  });
});
