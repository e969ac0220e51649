import { describe, expect, it } from "vitest";
import { reauthCancelUrl, refreshUrl, safeReturnTo, secondFactorUrl, signInUrl } from "./return-to";

const APP = "https://twofold.example";

/** Where a browser on our origin would go for this Location header or href. */
function resolvedOrigin(target: string): string {
  return new URL(target, `${APP}/login`).origin;
}

// Shapes that lead (or have led, in some browser, proxy or decoder) off the origin.
const HOSTILE = [
  // Dot segments: normalised, each of these becomes "//evil.example".
  "/.//evil.example",
  "/..//evil.example",
  "/%2e//evil.example",
  "/%2E%2E//evil.example",
  "/a/..//evil.example",
  "/a/%2e%2e//evil.example",
  "/a/.%2e//evil.example",
  "/%252e//evil.example",
  "/../../etc",
  "/a/./b",
  // Protocol-relative and backslashes (WHATWG URL reads "\" as "/").
  "//evil.example/",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/a\\..\\..\\/evil.example",
  // Encoded slashes and backslashes in the path.
  "/%2fevil.example",
  "/%2Fevil.example",
  "/%5cevil.example",
  "/%5Cevil.example",
  "/a/%2f%2fevil.example",
  "/%252f%252fevil.example",
  // Schemes and relative references.
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "evil.example",
  "./evil",
  "?return_to=//evil.example",
  "#x",
  // Whitespace and control characters, raw and encoded (browsers strip tab/CR/LF in URLs).
  " //evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/%09/evil.example",
  "/%0d%0aLocation:%20//evil.example",
  "/a?x=%00",
  "/\u0000",
  "/\u00a0/evil.example",
  "/\u3000/evil.example",
  "/\u200b/evil.example",
  "/\u202e/evil.example",
  "/\ud800",
  // Malformed escapes and encodings deeper than any of ours.
  "/%zz",
  "/a%",
  "/%25252525252e",
  // Double slash further in.
  "/a//evil.example",
  // Size and type.
  "/" + "a".repeat(5000),
  "",
  42,
  null,
  undefined,
  ["/settings"],
  { toString: () => "/settings" },
];

describe("safeReturnTo", () => {
  it("keeps same-origin paths with query and hash", () => {
    expect(safeReturnTo("/settings/security")).toBe("/settings/security");
    expect(safeReturnTo("/a/b?c=1#d")).toBe("/a/b?c=1#d");
    expect(safeReturnTo("/settings/")).toBe("/settings/");
    expect(safeReturnTo("/")).toBe("/");
    // Colons and dots inside a segment are just characters.
    expect(safeReturnTo("/a:b/c.d/..e/.f")).toBe("/a:b/c.d/..e/.f");
  });

  it("keeps a return_to nested in the query (the recovery-code page's own URL)", () => {
    const here = `/login/2fa/recovery-code-used?${new URLSearchParams({ return_to: "/settings/security?x=1" })}`;
    expect(safeReturnTo(here)).toBe(here);
    expect(safeReturnTo(`${here}&saved=1`)).toBe(`${here}&saved=1`);
  });

  it("writes out what the browser would request", () => {
    expect(safeReturnTo("/café")).toBe("/caf%C3%A9");
    expect(safeReturnTo("/a?")).toBe("/a");
  });

  it.each(HOSTILE.map((value) => [JSON.stringify(value) ?? String(value), value]))("refuses %s", (_, value) => {
    expect(safeReturnTo(value)).toBe("/");
  });

  it("never lets out anything but a same-origin path, and is idempotent", () => {
    const samples = [
      ...HOSTILE,
      "/settings/security",
      "/a/b?c=1#d",
      "/café",
      "/a?",
      "/x?y=%2F%2Fevil.example",
      "/x#//evil.example",
    ];
    // Every payload again behind each prefix and wrapped in each encoding, to cover combinations.
    const expanded = samples.flatMap((value) =>
      typeof value !== "string"
        ? [value]
        : [value, `/a${value}`, `/a/${value}`, `/x?r=${value}`, ...(value.isWellFormed() ? [encodeURI(value), `/${encodeURIComponent(value)}`] : [])],
    );
    for (const value of expanded) {
      const out = safeReturnTo(value);
      expect(out, JSON.stringify(value)).toMatch(/^\/(?![/\\])/);
      expect(resolvedOrigin(out), JSON.stringify(value)).toBe(APP);
      expect(safeReturnTo(out), JSON.stringify(value)).toBe(out);
    }
  });

  it("uses the fallback given", () => {
    expect(safeReturnTo("https://evil.example", "/home")).toBe("/home");
    expect(safeReturnTo("/.//evil.example", "/home")).toBe("/home");
  });
});

describe("flow URLs", () => {
  it("send a signed-out user to sign in, then back", () => {
    expect(signInUrl("/")).toBe("/login");
    expect(signInUrl("/settings/security")).toBe("/login?return_to=%2Fsettings%2Fsecurity");
    expect(signInUrl("/a/..//evil.example")).toBe("/login");
  });

  it("build the contract's refresh URL", () => {
    expect(refreshUrl("/settings/security")).toBe("/login?refresh=true&return_to=%2Fsettings%2Fsecurity");
    expect(refreshUrl("/.//evil.example")).toBe("/login?refresh=true&return_to=%2F");
  });

  it("carry return_to to the second-factor step", () => {
    expect(secondFactorUrl("/")).toBe("/login/2fa");
    expect(secondFactorUrl("/settings/security")).toBe("/login/2fa?return_to=%2Fsettings%2Fsecurity");
    expect(secondFactorUrl("/%2e//evil.example")).toBe("/login/2fa");
  });
});

describe("reauthCancelUrl", () => {
  it("goes back where the user was, unless that is the privileged page asking", () => {
    expect(reauthCancelUrl("/")).toBe("/");
    expect(reauthCancelUrl("/settings/security")).toBe("/");
    expect(reauthCancelUrl("/settings/security/log")).toBe("/");
    expect(reauthCancelUrl("/settings/security?notice=x")).toBe("/");
    expect(reauthCancelUrl("/settings/securityx")).toBe("/settings/securityx");
    expect(reauthCancelUrl("//evil.example")).toBe("/");
  });
});
