import { describe, expect, it } from "vitest";
import { codesViewCookieName, startsCodesView } from "./page-view";

const headers = (entries: Record<string, string> = {}) => new Headers(entries);

describe("startsCodesView", () => {
  it("starts a view on a GET navigation to a page that can show new recovery codes", () => {
    expect(startsCodesView("GET", "/settings/security", headers({ accept: "text/html" }))).toBe(true);
    expect(startsCodesView("GET", "/settings/security/", headers())).toBe(true);
    expect(startsCodesView("GET", "/login/2fa/recovery-code-used", headers({ rsc: "1" }))).toBe(true);
  });

  it("leaves the view alone for the render after a form post, a prefetch, or another page", () => {
    expect(startsCodesView("POST", "/settings/security", headers({ "next-action": "7f00aa" }))).toBe(false);
    expect(startsCodesView("POST", "/settings/security", headers({ "content-type": "multipart/form-data; boundary=x" }))).toBe(false);
    expect(startsCodesView("GET", "/settings/security", headers({ rsc: "1", "next-router-prefetch": "1" }))).toBe(false);
    expect(startsCodesView("GET", "/settings/security/log", headers())).toBe(false);
    expect(startsCodesView("GET", "/", headers())).toBe(false);
  });

  it("names the cookie with the __Host- prefix on https only", () => {
    expect(codesViewCookieName(true)).toBe("__Host-twofold.codes-view");
    expect(codesViewCookieName(false)).toBe("twofold.codes-view");
  });
});
