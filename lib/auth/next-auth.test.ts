import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Auth, raw, skipCSRFCheck } from "@auth/core";
import type { JWT } from "next-auth/jwt";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Auth.js's `encode` is our session factory: it must only run right after a first factor really
// succeeded, never when Auth.js merely refreshes a token. Real SQLite file, real flow; only the
// request scope (next/headers) is stood in for.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-next-auth-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.OUTBOX_DIR = path.join(dir, "outbox");
process.env.AUTH_SECRET = "next-auth-test-secret-".padEnd(48, "n");
process.env.APP_ORIGIN = "http://localhost:3997";
delete process.env.SMTP_URL;

/** The browser's cookies as `cookies()` from next/headers shows them to our code. */
const jar = new Map<string, string>();

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
  headers: async () => new Headers({ "user-agent": "vitest", "x-forwarded-for": "203.0.113.9" }),
}));

// next-auth's Next.js wrapper doesn't load under plain Node (it imports "next/server" without an
// extension). The config under test is plain Auth.js: it is run here by @auth/core's `Auth`, which
// is what next-auth's `signIn` calls too.
vi.mock("next-auth", async () => {
  const { CredentialsSignin } = await import("@auth/core/errors");
  return { default: () => ({ signIn: () => Promise.reject(new Error("not in tests")) }), CredentialsSignin };
});

vi.mock("@/lib/auth/flow", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/auth/flow")>();
  return { ...original, completeFirstFactor: vi.fn(original.completeFirstFactor) };
});

let nextAuth: typeof import("./next-auth");
let flow: typeof import("@/lib/auth/flow");
let password: typeof import("@/lib/auth/password");
let users: typeof import("@/db/queries/users");
let session: typeof import("@/lib/auth/session");
let sqlite: () => import("better-sqlite3").Database;

const PASSWORD = "a long enough password";
let user: { id: string; email: string };

beforeAll(async () => {
  nextAuth = await import("./next-auth");
  flow = await import("@/lib/auth/flow");
  password = await import("@/lib/auth/password");
  users = await import("@/db/queries/users");
  session = await import("@/lib/auth/session");
  const client = await import("@/db/client");
  sqlite = () => {
    client.getDb();
    return (globalThis as unknown as { twofoldDb: { sqlite: import("better-sqlite3").Database } }).twofoldDb.sqlite;
  };
  user = { id: "encode-user", email: "encode@example.test" };
  await users.insertUser({ ...user, passwordHash: await password.hashPassword(PASSWORD), createdAt: new Date() });
});

beforeEach(() => {
  jar.clear();
  sqlite().prepare("DELETE FROM sessions").run();
  vi.mocked(flow.completeFirstFactor).mockClear();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

type Config = ReturnType<typeof import("./next-auth").authConfig>;
const encodeWith = (config: Config, token: JWT) =>
  config.jwt!.encode!({ token, secret: "unused", salt: "unused", maxAge: 60 });

function sessionRows() {
  return sqlite().prepare("SELECT id, authenticated_at AS authenticatedAt, amr FROM sessions ORDER BY id").all();
}

/** What Auth.js does for a Credentials sign-in: authorize, then the jwt callback with `account`. */
async function realSignInToken(config: Config): Promise<JWT> {
  const provider = config.providers[0] as unknown as { options: { authorize: (c: unknown) => Promise<{ id: string }> } };
  const authorized = await provider.options.authorize({ email: user.email, password: PASSWORD });
  const token = await config.callbacks!.jwt!({
    token: { sub: authorized.id, email: user.email },
    user: authorized,
    account: { type: "credentials", provider: "credentials", providerAccountId: authorized.id },
    trigger: "signIn",
  });
  return token as JWT;
}

/** Signs in through Auth.js itself, as `signIn("credentials")` in the login action does. */
async function signInThroughAuthJs(config: Config): Promise<string> {
  const response = (await Auth(
    new Request("http://localhost:3997/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: user.email, password: PASSWORD, callbackUrl: "/" }),
    }),
    { ...config, basePath: "/api/auth", raw, skipCSRFCheck },
  )) as unknown as { cookies?: Array<{ name: string; value: string }> };
  const cookie = response.cookies?.find((c) => c.name === session.sessionCookieName());
  expect(cookie?.value).toBeTruthy();
  jar.set(cookie!.name, cookie!.value);
  return cookie!.value;
}

describe("Auth.js encode", () => {
  it("creates a session once for a real sign-in", async () => {
    const config = nextAuth.authConfig();
    const cookie = await encodeWith(config, await realSignInToken(config));
    expect(flow.completeFirstFactor).toHaveBeenCalledTimes(1);
    expect(vi.mocked(flow.completeFirstFactor).mock.calls[0]!.slice(0, 2)).toEqual([user.id, "password"]);
    expect(await session.validateSessionToken(cookie)).toMatchObject({ userId: user.id });
    expect(sessionRows()).toHaveLength(1);
  });

  it("refuses a token without a proof, with no session created", async () => {
    const config = nextAuth.authConfig();
    await expect(encodeWith(config, { sub: user.id, email: user.email })).rejects.toThrow();
    await expect(encodeWith(config, { sub: user.id, firstFactor: "password" })).rejects.toThrow();
    await expect(encodeWith(config, { sub: user.id, firstFactorProof: "made-up" })).rejects.toThrow();
    expect(flow.completeFirstFactor).not.toHaveBeenCalled();
    expect(sessionRows()).toEqual([]);
  });

  it("refuses a replayed proof and leaves the session's authentication alone", async () => {
    const config = nextAuth.authConfig();
    const token = await realSignInToken(config);
    jar.set(session.sessionCookieName(), await encodeWith(config, { ...token }));
    const before = sessionRows();

    await expect(encodeWith(config, { ...token })).rejects.toThrow();
    expect(flow.completeFirstFactor).toHaveBeenCalledTimes(1);
    expect(sessionRows()).toEqual(before);
  });

  it("refuses a proof minted for another user or past its lifetime", async () => {
    const config = nextAuth.authConfig();
    const other = await realSignInToken(config);
    await expect(encodeWith(config, { ...other, sub: "someone-else" })).rejects.toThrow();
    // Spent by the failed attempt: not even the right user may use it now.
    await expect(encodeWith(config, other)).rejects.toThrow();

    vi.useFakeTimers({ toFake: ["Date"] });
    const stale = await realSignInToken(config);
    vi.setSystemTime(Date.now() + 61_000);
    await expect(encodeWith(config, stale)).rejects.toThrow();
    expect(flow.completeFirstFactor).not.toHaveBeenCalled();
    expect(sessionRows()).toEqual([]);
  });

  it("doesn't let a token refresh (no account) carry a proof", async () => {
    const config = nextAuth.authConfig();
    const signedIn = await realSignInToken(config);
    const refreshed = await config.callbacks!.jwt!({ token: { ...signedIn }, trigger: "update" } as never);
    expect(refreshed).not.toHaveProperty("firstFactorProof");
  });

  it("decodes nothing, so Auth.js never sees our sessions", async () => {
    const config = nextAuth.authConfig();
    const cookie = await signInThroughAuthJs(config);
    expect(await config.jwt!.decode!({ token: cookie, secret: "unused", salt: "unused" })).toBeNull();
  });

  it("signs in through Auth.js, and its session handler renews nothing", async () => {
    const config = nextAuth.authConfig();
    const cookie = await signInThroughAuthJs(config);
    expect(flow.completeFirstFactor).toHaveBeenCalledTimes(1);
    const before = sessionRows();
    expect(before).toHaveLength(1);

    // What `auth()`, GET /api/auth/session or `update()` would run, a little later; also with a
    // decode that answers the user, as the one before this guard did.
    vi.spyOn(console, "error").mockImplementation(() => {}); // Auth.js logs the refused refresh
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5_000);
    const answering: Config = { ...config, jwt: { ...config.jwt, decode: async () => ({ sub: user.id, email: user.email }) } };
    for (const [variant, isUpdate] of [[config, false], [config, true], [answering, false], [answering, true]] as const) {
      await Auth(
        new Request("http://localhost:3997/api/auth/session", {
          method: isUpdate ? "POST" : "GET",
          headers: { cookie: `${session.sessionCookieName()}=${cookie}`, "content-type": "application/json" },
          ...(isUpdate ? { body: JSON.stringify({ data: {} }) } : {}),
        }),
        { ...variant, basePath: "/api/auth", raw, skipCSRFCheck },
      );
    }
    expect(flow.completeFirstFactor).toHaveBeenCalledTimes(1);
    expect(sessionRows()).toEqual(before);
  });
});
