import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// The database side of rate limits, on a real SQLite file: what the counters remember.
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-rate-limit-")), "test.db");

let limits: typeof import("./rate-limit");
let ipBucketKey: typeof import("./client").ipBucketKey;

beforeAll(async () => {
  limits = await import("./rate-limit");
  ({ ipBucketKey } = await import("./client"));
});

const minutes = (n: number) => n * 60_000;

describe("per-address buckets count failures only", () => {
  it("forty people signing in from one address don't lock each other out", async () => {
    const ip = "192.0.2.40";
    const now = new Date("2026-06-01T09:00:00Z");
    for (let person = 0; person < 40; person++) {
      const spent = await limits.spendAttempts([["signInIp", ip]], now);
      expect(spent.allowed, `sign-in ${person + 1}`).toBe(true);
      await limits.refundAttempt("signInIp", ip);
    }
  });

  it("failures from one address still add up to a lock", async () => {
    const ip = "192.0.2.41";
    const now = new Date("2026-06-01T09:00:00Z");
    const results = [];
    for (let i = 0; i < 32; i++) results.push(await limits.spendAttempt("signInIp", ip, now));
    expect(results.slice(0, 30).every((r) => r.allowed)).toBe(true);
    expect(results[31]).toMatchObject({ allowed: false, reason: "throttled" });
  });
});

describe("per-account counters count consecutive attempts since the last success", () => {
  /** Spends attempts one after another, each once the previous lock has passed. */
  async function failRun(name: "signInAccount" | "secondFactorAccount", key: string, times: number, start: Date) {
    let now = start;
    const counts: number[] = [];
    let last;
    for (let i = 0; i < times; i++) {
      last = await limits.spendAttempts([[name, key]], now);
      if (!last.allowed) return { last, counts, now };
      counts.push(last.attempts[name]!);
      // Past any lock: the largest is an hour; a window-based counter would have reset by now.
      now = new Date(now.getTime() + minutes(61));
    }
    return { last, counts, now };
  }

  it("keep counting across hours and days, alert once at 10, stop at 100", async () => {
    const { counts, now } = await failRun("secondFactorAccount", "user-a", 100, new Date("2026-06-01T00:00:00Z"));
    expect(counts).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(counts.filter((n) => limits.reachedAlert("secondFactorAccount", { allowed: true, attempts: { secondFactorAccount: n } }))).toEqual([10]);
    const refused = await limits.spendAttempts([["secondFactorAccount", "user-a"]], new Date(now.getTime() + minutes(60 * 24 * 30)));
    expect(refused).toEqual({ allowed: false, reason: "capped" });
  });

  it("start over after a success (or the operator's reset)", async () => {
    await failRun("signInAccount", "b@example.test", 100, new Date("2026-06-01T00:00:00Z"));
    expect(await limits.spendAttempts([["signInAccount", "b@example.test"]], new Date("2026-09-01T00:00:00Z"))).toEqual({ allowed: false, reason: "capped" });
    await limits.resetAttempts("signInAccount", "b@example.test");
    const again = await limits.spendAttempts([["signInAccount", "b@example.test"]], new Date("2026-09-01T00:00:00Z"));
    expect(again).toEqual({ allowed: true, attempts: { signInAccount: 1 } });
  });

  it("make waits grow with the count", async () => {
    const start = new Date("2026-06-01T00:00:00Z");
    for (let i = 0; i < 5; i++) await limits.spendAttempt("signInAccount", "c@example.test", start);
    const first = await limits.spendAttempt("signInAccount", "c@example.test", start);
    expect(first).toMatchObject({ allowed: false, reason: "throttled", retryAfterSeconds: 30 });
    const sixth = await limits.spendAttempt("signInAccount", "c@example.test", new Date(start.getTime() + 30_000));
    expect(sixth.allowed).toBe(true);
    const next = await limits.spendAttempt("signInAccount", "c@example.test", new Date(start.getTime() + 31_000));
    expect(next).toMatchObject({ allowed: false, reason: "throttled", retryAfterSeconds: 59 });
  });

  it("a refused attempt in one bucket still spends the others, and reports the cap first", async () => {
    const now = new Date("2026-06-01T00:00:00Z");
    await failRun("secondFactorAccount", "user-d", 100, now);
    const result = await limits.spendAttempts([["secondFactorAccount", "user-d"], ["secondFactorIp", "192.0.2.50"]], new Date("2026-07-01T00:00:00Z"));
    expect(result).toEqual({ allowed: false, reason: "capped" });
  });
});

describe("a signed-in session's re-authentication spends the account's budget only", () => {
  const client = (ip: string) => ({ ip, userAgent: "test" });

  it("second factor: a reauth never spends nor refunds the address's failures", async () => {
    const ip = "192.0.2.60";
    const key = ipBucketKey(ip);
    // The address is paused by others' failures (20 free, the 20th locks).
    for (let i = 0; i < 20; i++) await limits.spendAttempt("secondFactorIp", key);
    const signIn = await limits.spendSecondFactorAttempt("someone-else", client(ip), "sign_in");
    expect(signIn).toMatchObject({ allowed: false, reason: "throttled" });
    const reauth = await limits.spendSecondFactorAttempt("reauth-user", client(ip), "reauth");
    expect(reauth).toEqual({ allowed: true, attempts: { secondFactorAccount: 1 } });
    expect(await limits.secondFactorBudgetStatus("reauth-user", client(ip), "reauth")).toMatchObject({ state: "open", triesBeforePause: 4 });
    expect(await limits.secondFactorBudgetStatus("reauth-user", client(ip), "sign_in")).toMatchObject({ state: "paused" });
    // A success gives nothing back to the address (it spent nothing there).
    await limits.secondFactorSucceeded("reauth-user", client(ip), "reauth");
    expect(await limits.spendAttempt("secondFactorIp", key)).toMatchObject({ allowed: false });
  });

  it("first factor: a reauth spends only the account's run", async () => {
    const spent = await limits.spendReauthFirstFactorAttempt("reauth@example.test");
    expect(spent).toEqual({ allowed: true, attempts: { signInAccount: 1 } });
  });

  it("the account's run still pauses a reauth, whatever the address", async () => {
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await limits.spendSecondFactorAttempt("reauth-guessed", client(`192.0.2.${70 + i}`), "reauth"));
    expect(results.slice(0, 5).every((r) => r.allowed)).toBe(true);
    expect(results[5]).toMatchObject({ allowed: false, reason: "throttled" });
  });
});

describe("the counters of one account", () => {
  it("name every bucket that isn't per client address, keyed by the account's email or id", () => {
    const keys = limits.accountRateLimitKeys({ id: "user-1", email: "owner@example.test" });
    const perAccount = new Set(keys.map(([name]) => name));
    for (const name of Object.keys(limits.RATE_LIMITS)) {
      // Per-address buckets are named …Ip; every other one must go with the account.
      expect(name.endsWith("Ip") || perAccount.has(name as never), name).toBe(true);
    }
    for (const [, key] of keys) expect(["user-1", "owner@example.test"]).toContain(key);
  });
});
