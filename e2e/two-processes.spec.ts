// Concurrency across processes (issue 7, item 8): a second server (server.mjs) on the same build and the
// same SQLite file as the e2e server, as two app processes behind one load balancer would run.
// Parallel sign-ins, TOTP verifications and recovery-code uses are spread over both: no 5xx, no
// lost write, and what is single-use stays single-use across processes (the claims are conditional
// UPDATEs in one database, not in-process locks).
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { expect, nextClientIp, test } from "./support/fixtures";
import { sqlAll, sqlGet, type SqlParam } from "./support/db";
import { createConfirmedCodes, noJsFormFields } from "./support/recovery-codes";
import { startExtraServer, stopExtraServer, type ExtraServer } from "./support/servers";
import { enrolTotp, type Authenticator } from "./support/totp-session";
import { signUp, uniqueEmail } from "./support/users";

const PASSWORD = "two processes one database";

let second: ExtraServer | undefined;
let secondOrigin = "";
const secondOutput = () => second?.output() ?? "";

test.beforeAll(async () => {
  // The same settings as scripts/e2e-server.mjs, on another port: same database file, same secret.
  second = await startExtraServer(process.execPath, [path.resolve("server.mjs")], { TRUSTED_PROXY_HOPS: "1" });
  secondOrigin = second.origin;
});

test.afterAll(async () => {
  await stopExtraServer(second);
});

interface Client {
  request: APIRequestContext;
  /** The process this client talks to. */
  origin: string;
}

/**
 * One cookie jar and client IP per simulated browser. Cookies are host-only on `localhost`, so
 * a session made through one process is presented to the other too, as behind a load balancer.
 */
async function newClients(count: number, origins: string[]): Promise<Client[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      request: await playwrightRequest.newContext({ extraHTTPHeaders: { "x-forwarded-for": nextClientIp(13) } }),
      origin: origins[i % origins.length],
    })),
  );
}

function post(client: Client, pathname: string, multipart: Record<string, string>): Promise<APIResponse> {
  return client.request.post(`${client.origin}${pathname}`, { headers: { origin: client.origin }, multipart, maxRedirects: 0 });
}

async function expectNo5xx(responses: APIResponse[], what: string): Promise<void> {
  const bad = responses.filter((r) => r.status() >= 500);
  expect(bad.map((r) => r.status()), `${what}: ${secondOutput().slice(-2000)}`).toEqual([]);
}

async function sessionAt(client: Client, origin: string) {
  const res = await client.request.get(`${origin}/api/session`);
  return { status: res.status(), body: res.status() === 200 ? await res.json() : null };
}

const count = async (sql: string, ...params: SqlParam[]) => (await sqlGet<{ n: number }>(sql, ...params))!.n;

/** An account with an authenticator app and confirmed recovery codes, set up in the browser. */
async function accountWithSecondFactors(page: import("@playwright/test").Page, prefix: string) {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator: Authenticator = await enrolTotp(page);
  const codes = await createConfirmedCodes(page);
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
  return { email, authenticator, codes };
}

test("parallel sign-ins and sign-ups over two processes: every session and event is written", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const origins = [new URL(baseURL!).origin, secondOrigin];
  // Sign-ups and sign-ins from different browsers: a sign-in in the browser that holds a session
  // of the same account re-authenticates that session instead of making a new one.
  const signUpClients = await newClients(6, origins);
  const clients = await newClients(24, origins);
  try {
    const signUpFields = await noJsFormFields(clients[0].request, `${origins[0]}/signup`, 'name="password"');
    const loginFields = await noJsFormFields(clients[0].request, `${origins[1]}/login`, 'name="password"');

    // Six accounts created at once, three through each process.
    const emails = Array.from({ length: 6 }, () => uniqueEmail("two-proc"));
    const signUps = await Promise.all(
      emails.map((email, i) => post(signUpClients[i], "/signup", { ...signUpFields, email, password: PASSWORD })),
    );
    await expectNo5xx(signUps, "sign-ups");
    for (const res of signUps) expect(res.status()).toBe(303);
    const placeholders = emails.map(() => "?").join(",");
    expect(await count(`SELECT count(*) AS n FROM users WHERE email IN (${placeholders})`, ...emails)).toBe(6);

    // 24 sign-ins at once, four per account, alternating processes.
    const sessionsBefore = await count(`SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email IN (${placeholders})`, ...emails);
    const signIns = await Promise.all(
      clients.map((client, i) => post(client, "/login", { ...loginFields, email: emails[i % 6], password: PASSWORD })),
    );
    await expectNo5xx(signIns, "sign-ins");
    expect(signIns.map((r) => r.status())).toEqual(clients.map(() => 303));
    expect(await count(`SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email IN (${placeholders})`, ...emails)).toBe(sessionsBefore + 24);
    expect(
      await count(`SELECT count(*) AS n FROM security_events e JOIN users u ON u.id = e.user_id WHERE e.type = 'signin.succeeded' AND u.email IN (${placeholders})`, ...emails),
    ).toBe(6 + 24); // each sign-up signs in too

    // Each session, made by one process, is valid in the other.
    for (const [i, client] of clients.entries()) {
      const other = origins[(i + 1) % 2];
      const session = await sessionAt(client, other);
      expect(session.status, `client ${i} at ${other}`).toBe(200);
      expect(session.body.user.email).toBe(emails[i % 6]);
    }
  } finally {
    await Promise.all([...signUpClients, ...clients].map((c) => c.request.dispose()));
  }
});

test("one TOTP code sent to both processes at once is accepted once", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const origins = [new URL(baseURL!).origin, secondOrigin];
  const { email, authenticator } = await accountWithSecondFactors(page, "two-proc-totp");
  // Five sessions waiting for their second factor (the account's budget is 5 attempts at a time).
  const clients = await newClients(5, origins);
  try {
    const loginFields = await noJsFormFields(clients[0].request, `${origins[0]}/login`, 'name="password"');
    for (const client of clients) {
      const res = await post(client, "/login", { ...loginFields, email, password: PASSWORD });
      expect(res.status()).toBe(303);
      expect(res.headers().location).toMatch(/\/login\/2fa/);
    }
    const stepFields = await noJsFormFields(clients[0].request, `${origins[1]}/login/2fa`, 'name="code"');
    const code = await authenticator.freshCode();
    const responses = await Promise.all(clients.map((client) => post(client, "/login/2fa", { ...stepFields, code })));
    await expectNo5xx(responses, "TOTP verifications");
    const accepted = responses.filter((r) => r.status() === 303 && new URL(r.headers().location!, origins[0]).pathname === "/");
    expect(accepted).toHaveLength(1);

    const levels = await Promise.all(clients.map(async (client, i) => (await sessionAt(client, origins[(i + 1) % 2])).body.session.aal));
    expect(levels.sort()).toEqual(["aal1", "aal1", "aal1", "aal1", "aal2"]);
    expect(await count("SELECT count(*) AS n FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? AND e.type = 'second_factor.succeeded'", email)).toBe(1);
  } finally {
    await Promise.all(clients.map((c) => c.request.dispose()));
  }
});

test("recovery codes over two processes: one code used at once works once, different codes all work", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const origins = [new URL(baseURL!).origin, secondOrigin];
  const usedPositions = async (email: string) =>
    (
      await sqlAll<{ position: number }>(
        "SELECT c.position FROM recovery_codes c JOIN recovery_code_sets s ON s.id = c.set_id JOIN users u ON u.id = s.user_id WHERE u.email = ? AND c.used_at IS NOT NULL ORDER BY c.position",
        email,
      )
    ).map((row) => row.position);
  /** Five sessions of `email` waiting for their second factor (its budget is 5 attempts at a time). */
  const signInHalfway = async (email: string) => {
    const clients = await newClients(5, origins);
    const loginFields = await noJsFormFields(clients[0].request, `${origins[0]}/login`, 'name="password"');
    for (const client of clients) expect((await post(client, "/login", { ...loginFields, email, password: PASSWORD })).status()).toBe(303);
    return clients;
  };
  const toCodesLeft = (r: APIResponse) => r.status() === 303 && /\/login\/2fa\/recovery-code-used/.test(r.headers().location ?? "");
  const STEP = "/login/2fa?method=lookup_secret";

  // The same code from five sessions at once, through both processes: one sign-in.
  const first = await accountWithSecondFactors(page, "two-proc-same");
  let clients = await signInHalfway(first.email);
  try {
    const stepFields = await noJsFormFields(clients[0].request, `${origins[1]}${STEP}`, 'name="code"');
    const same = await Promise.all(clients.map((client) => post(client, STEP, { ...stepFields, code: first.codes[2] })));
    await expectNo5xx(same, "same recovery code");
    expect(same.filter(toCodesLeft)).toHaveLength(1);
    expect(await usedPositions(first.email)).toEqual([3]);
  } finally {
    await Promise.all(clients.map((c) => c.request.dispose()));
  }

  // Five different codes at once: five sign-ins, and every use is recorded.
  const second = await accountWithSecondFactors(page, "two-proc-many");
  clients = await signInHalfway(second.email);
  try {
    const stepFields = await noJsFormFields(clients[0].request, `${origins[0]}${STEP}`, 'name="code"');
    const different = await Promise.all(clients.map((client, i) => post(client, STEP, { ...stepFields, code: second.codes[4 + i] })));
    await expectNo5xx(different, "different recovery codes");
    expect(different.filter(toCodesLeft)).toHaveLength(5);
    expect(await usedPositions(second.email)).toEqual([5, 6, 7, 8, 9]);
    expect(await count("SELECT count(*) AS n FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? AND e.type = 'second_factor.succeeded'", second.email)).toBe(5);
  } finally {
    await Promise.all(clients.map((c) => c.request.dispose()));
  }
});
