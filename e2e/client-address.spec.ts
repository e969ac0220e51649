// Who the client is (lib/security/client.ts, docs/deployment.md). With TRUSTED_PROXY_HOPS=0 it is
// the TCP peer, which server.mjs hands to the app; a client's own X-Forwarded-For or peer header
// changes nothing. Under plain `next start` the peer is unknown, so nothing the client sends is
// believed. With hops=1 (the main e2e server, the test runner as its one proxy) the right-most
// X-Forwarded-For entry is the client, an IPv6 client is rate-limited by its /64, and a request the
// proxy didn't stamp has no address.
import path from "node:path";
import { request as playwrightRequest, type Browser } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { sqlAll, sqlGet } from "./support/db";
import { noJsFormFields } from "./support/recovery-codes";
import { startExtraServer, stopExtraServer, type ExtraServer } from "./support/servers";
import { signUp, uniqueEmail } from "./support/users";

const PASSWORD = "whose address is this";
const SPOOFED = "203.0.113.77";
const SPOOFED_PEER = "203.0.113.78";
const LOOPBACK = ["127.0.0.1", "::1"];

/** Another app process on the e2e database with its own TRUSTED_PROXY_HOPS. */
const startServer = (command: string, args: string[], hops: string) => startExtraServer(command, args, { TRUSTED_PROXY_HOPS: hops });
const stopServer = stopExtraServer;

/** The address recorded with each of the account's security events (sign-up writes several). */
async function eventAddresses(email: string): Promise<(string | null)[]> {
  const rows = await sqlAll<{ ip: string | null }>("SELECT e.ip FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? ORDER BY e.id", email);
  return rows.map((row) => row.ip);
}

async function signUpBucketKeys(): Promise<string[]> {
  return (await sqlAll<{ key: string }>("SELECT key FROM rate_limits WHERE bucket = 'signUpIp'")).map((row) => row.key);
}

/** Signs a new account up in a browser context of its own that sends `headers` on every request. */
async function signUpWith(browser: Browser, headers: Record<string, string>, baseURL?: string): Promise<string> {
  const email = uniqueEmail("client-address");
  const context = await browser.newContext({ ...(baseURL ? { baseURL } : {}), extraHTTPHeaders: headers });
  try {
    await signUp(await context.newPage(), email, PASSWORD);
  } finally {
    await context.close();
  }
  return email;
}

let direct: ExtraServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  direct = await startServer(process.execPath, [path.resolve("server.mjs")], "0");
});

test.afterAll(async () => {
  await stopServer(direct);
});

test("no proxy (hops=0): the socket address is recorded, a spoofed X-Forwarded-For or peer header is not", async ({ browser }) => {
  const email = await signUpWith(browser, { "x-forwarded-for": SPOOFED, "x-twofold-peer": SPOOFED_PEER }, direct!.origin);
  const addresses = await eventAddresses(email);
  expect(addresses.length, direct!.output().slice(-2000)).toBeGreaterThan(0);
  for (const ip of addresses) expect(LOOPBACK, `recorded ${ip}`).toContain(ip);
  // The sign-up limit counted the peer too (::1 is in ::/64), not the address the client chose.
  const keys = await signUpBucketKeys();
  expect(keys).not.toContain(SPOOFED);
  expect(keys).not.toContain(SPOOFED_PEER);
  expect(keys).toContain(addresses[0] === "::1" ? "::/64" : addresses[0]);
});

test("plain `next start` with hops=0: no address at all, rather than the client's peer header", async ({ browser }) => {
  test.setTimeout(90_000);
  const plain = await startServer(path.resolve("node_modules", ".bin", "next"), ["start"], "0");
  try {
    const email = await signUpWith(browser, { "x-forwarded-for": SPOOFED, "x-twofold-peer": SPOOFED_PEER }, plain.origin);
    const addresses = await eventAddresses(email);
    expect(addresses.length).toBeGreaterThan(0);
    for (const ip of addresses) expect(ip).toBeNull();
    expect(plain.output()).toContain("not started by server.mjs");
    expect(plain.output().split("not started by server.mjs").length - 1).toBe(1); // warned once
  } finally {
    await stopServer(plain);
  }
});

test("one proxy (hops=1): the right-most X-Forwarded-For entry is the client, entries to its left are not", async ({ browser }) => {
  const email = await signUpWith(browser, { "x-forwarded-for": `${SPOOFED}, 198.51.100.23`, "x-twofold-peer": SPOOFED_PEER });
  const addresses = await eventAddresses(email);
  expect(addresses.length).toBeGreaterThan(0);
  for (const ip of addresses) expect(ip).toBe("198.51.100.23");
});

test("one proxy (hops=1): IPv6 clients are logged in full, canonically, and share their /64's sign-up budget", async ({ browser }) => {
  const first = await signUpWith(browser, { "x-forwarded-for": "2001:DB8:77:1:0:0:0:1" });
  const second = await signUpWith(browser, { "x-forwarded-for": "2001:db8:77:1:abcd::2" });
  expect(new Set(await eventAddresses(first))).toEqual(new Set(["2001:db8:77:1::1"]));
  expect(new Set(await eventAddresses(second))).toEqual(new Set(["2001:db8:77:1:abcd::2"]));
  const row = await sqlGet<{ attempts: number }>("SELECT attempts FROM rate_limits WHERE bucket = 'signUpIp' AND key = ?", "2001:db8:77:1::/64");
  expect(row?.attempts).toBe(2);
  expect((await signUpBucketKeys()).filter((key) => key.startsWith("2001:db8:77:1"))).toEqual(["2001:db8:77:1::/64"]);
});

test("one proxy (hops=1): a request without X-Forwarded-For has no address and still works", async ({ baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const request = await playwrightRequest.newContext({ baseURL: origin, extraHTTPHeaders: { origin, "x-twofold-peer": SPOOFED_PEER } });
  try {
    const email = uniqueEmail("client-address-none");
    const fields = await noJsFormFields(request, "/signup", 'name="password"');
    const res = await request.post("/signup", { multipart: { ...fields, email, password: PASSWORD }, maxRedirects: 0 });
    expect(res.status()).toBe(303);
    const addresses = await eventAddresses(email);
    expect(addresses.length).toBeGreaterThan(0);
    for (const ip of addresses) expect(ip).toBeNull();
    expect(await signUpBucketKeys()).toContain("unknown");
  } finally {
    await request.dispose();
  }
});
