// PostgreSQL going away under a running server, and a server started with a wrong password. Each
// test runs its own throwaway cluster and app server (the suite's own database stays untouched).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "./support/fixtures";
import { startExtraServer, stopExtraServer, type ExtraServer } from "./support/servers";
import { signUp, uniqueEmail } from "./support/users";

type PostgresModule = typeof import("../scripts/postgres.mjs");
type Cluster = Awaited<ReturnType<PostgresModule["startPostgres"]>>;

// Loaded by Node itself: Playwright's transform would turn this ES module into CommonJS.
const importNative = new Function("url", "return import(url)") as (url: string) => Promise<PostgresModule>;
let postgres: PostgresModule;
test.beforeAll(async () => {
  postgres = await importNative(pathToFileURL(path.resolve("scripts/postgres.mjs")).href);
});

let cluster: Cluster | undefined;
let server: ExtraServer | undefined;

test.afterEach(async () => {
  await stopExtraServer(server);
  server = undefined;
  await cluster?.stop();
  cluster = undefined;
});

/** Status and time of one request, never waiting past 10 s. */
async function timedGet(url: string, cookie: string, accept = "text/html") {
  const started = Date.now();
  const response = await fetch(url, { headers: { cookie, accept }, redirect: "manual", signal: AbortSignal.timeout(10_000) });
  return { status: response.status, ms: Date.now() - started, body: await response.text(), retryAfter: response.headers.get("retry-after") };
}

test("while PostgreSQL is down pages answer 503 at once, and the server recovers by itself", async ({ browser }) => {
  test.setTimeout(120_000);
  cluster = await postgres.startPostgres({ database: "twofold_outage" });
  server = await startExtraServer("node", ["server.mjs"], { DATABASE_URL: cluster.url, TRUSTED_PROXY_HOPS: "0" });

  const context = await browser.newContext({ baseURL: server.origin });
  const page = await context.newPage();
  await signUp(page, uniqueEmail("outage"), "correct horse battery staple 1");
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const settings = `${server.origin}/settings/security`;
  expect((await timedGet(settings, cookie)).status).toBe(200);

  cluster.pause();
  // The first request to find the database gone may fail with an error page; from then on every
  // request gets a 503 right away instead of waiting for a connection timeout.
  await expect.poll(async () => (await timedGet(settings, cookie)).status, { timeout: 20_000 }).toBe(503);
  const down = await timedGet(settings, cookie);
  expect(down).toMatchObject({ status: 503, retryAfter: "5" });
  expect(down.ms).toBeLessThan(1_000);
  expect(down.body).toContain("temporarily unavailable");
  expect(down.body).not.toMatch(/ECONNREFUSED|at \w+ \(|node_modules/);
  const api = await timedGet(`${server.origin}/api/session`, cookie, "application/json");
  expect(api.status).toBe(503);
  expect(JSON.parse(api.body)).toEqual({ error: expect.stringMatching(/unavailable/i) });
  expect(server.output()).toMatch(/\[db\] the database can't be reached \(.+\): answering 503 until it is back/);

  cluster.resume();
  await expect.poll(async () => (await timedGet(settings, cookie)).status, { timeout: 20_000 }).toBe(200);
  expect(server.output()).toMatch(/\[db\] the database is reachable again/);
  await context.close();
});

test("a wrong password in DATABASE_URL stops the server at start with a clear message", async () => {
  cluster = await postgres.startPostgres({ database: "twofold_badpass" });
  const wrong = cluster.url.replace(`:${postgres.TEST_PASSWORD}@`, ":not-the-password@");
  const failure = await startExtraServer("node", ["server.mjs"], { DATABASE_URL: wrong }).then(
    (started) => {
      server = started;
      return "";
    },
    (error: Error) => error.message,
  );
  expect(failure).toMatch(/exited with 1/);
  expect(failure).toMatch(/PostgreSQL refused the connection settings in DATABASE_URL: password authentication failed for user "twofold"/);
  expect(failure).not.toContain("not-the-password");
});
