import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { config } from "./proxy";

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
