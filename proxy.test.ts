import { AsyncLocalStorage } from "node:async_hooks";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config, proxy, securityHeadersFor } from "./proxy";

// Next's testing helper loads its request-scoped storage modules, which expect the global that
// Next's own server installs before anything else runs.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
// Next 16.4 ships the matcher check under its middleware name only (no unstable_doesProxyMatch);
// it compiles `config.matcher` with the same code as `next build`.
const { unstable_doesMiddlewareMatch } = await import("next/experimental/testing/server");

const runsOn = (url: string) => unstable_doesMiddlewareMatch({ config, url });

describe("proxy matcher", () => {
  it.each(["/robots.txt", "/favicon.ico", "/_next/static/x.js", "/_next/static/chunks/a/b.css", "/_next/image", "/_next/image?url=%2Fa.png&w=64&q=75", "/api/session", "/api/session?x=1"])(
    "skips %s",
    (url) => expect(runsOn(url)).toBe(false),
  );

  it.each([
    "/login",
    "/",
    "/settings/security",
    "/api/sessionx",
    "/api/session/x",
    "/robots.txt.x",
    "/robotsXtxt",
    "/faviconXico",
    "/favicon.ico.x",
    "/x/robots.txt",
    "/_next/staticfoo",
    "/_next/static",
    "/_next/imagefoo",
    "/_next/image.x",
  ])("runs on %s", (url) => expect(runsOn(url)).toBe(true));
});

describe("Strict-Transport-Security", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is sent for an https origin, two years, subdomains included", () => {
    expect(securityHeadersFor("https://twofold.example")).toEqual({ "strict-transport-security": "max-age=63072000; includeSubDomains" });
    expect(securityHeadersFor("HTTPS://twofold.example:8443/")).toEqual({ "strict-transport-security": "max-age=63072000; includeSubDomains" });
  });

  it.each(["http://localhost:3000", "http://twofold.example", undefined, "", "not a url"])("is not sent for %s", (origin) => {
    expect(securityHeadersFor(origin)).toEqual({});
  });

  it("is set on the proxy's responses from APP_ORIGIN at run time", async () => {
    vi.stubEnv("APP_ORIGIN", "https://twofold.example");
    const page = await proxy(new NextRequest("https://twofold.example/login"));
    expect(page.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const forged = await proxy(new NextRequest("https://twofold.example/login", { method: "POST", headers: { origin: "https://evil.example" } }));
    expect(forged.status).toBe(403);
    expect(forged.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");

    vi.stubEnv("APP_ORIGIN", "http://localhost:3000");
    const local = await proxy(new NextRequest("http://localhost:3000/login"));
    expect(local.headers.get("strict-transport-security")).toBeNull();
    expect(local.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("the recovery-codes view", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("gets a new value at each document load of a page that can show new codes, not on a post or a router fetch", async () => {
    vi.stubEnv("APP_ORIGIN", "http://localhost:3000");
    const html = { accept: "text/html,*/*;q=0.8" };
    const view = async (init?: ConstructorParameters<typeof NextRequest>[1]) =>
      (await proxy(new NextRequest("http://localhost:3000/settings/security", init))).cookies.get("twofold.codes-view");
    const first = await view({ headers: html });
    const second = await view({ headers: html });
    expect(first).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(first?.value).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(second?.value).not.toBe(first?.value);
    expect(await view({ method: "POST", headers: { ...html, "next-action": "7f00aa" } })).toBeUndefined();
    expect(await view({ headers: { accept: "*/*", rsc: "1", "next-router-prefetch": "1" } })).toBeUndefined();
    expect((await proxy(new NextRequest("http://localhost:3000/login", { headers: html }))).cookies.get("twofold.codes-view")).toBeUndefined();

    vi.stubEnv("APP_ORIGIN", "https://twofold.example");
    const secure = await proxy(new NextRequest("https://twofold.example/settings/security", { headers: html }));
    expect(secure.cookies.get("__Host-twofold.codes-view")).toMatchObject({ secure: true, httpOnly: true });
  });
});
