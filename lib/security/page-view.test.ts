import { describe, expect, it } from "vitest";
import { codesViewCookieName, startsCodesView } from "./page-view";

const headers = (entries: Record<string, string> = {}) => new Headers(entries);
const DOCUMENT = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("startsCodesView", () => {
  it("starts a view on a document load of a page that can show new recovery codes", () => {
    expect(startsCodesView("GET", "/settings/security", headers(DOCUMENT))).toBe(true);
    expect(startsCodesView("GET", "/settings/security/", headers(DOCUMENT))).toBe(true);
    expect(startsCodesView("GET", "/login/2fa/recovery-code-used", headers({ accept: "TEXT/HTML" }))).toBe(true);
  });

  it("leaves the view alone for a form post, a router fetch or prefetch (Accept */*), or another page", () => {
    expect(startsCodesView("POST", "/settings/security", headers({ ...DOCUMENT, "content-type": "multipart/form-data; boundary=x" }))).toBe(false);
    expect(startsCodesView("GET", "/settings/security", headers({ accept: "*/*" }))).toBe(false);
    expect(startsCodesView("GET", "/settings/security", headers())).toBe(false);
    expect(startsCodesView("GET", "/settings/security/log", headers(DOCUMENT))).toBe(false);
    expect(startsCodesView("GET", "/", headers(DOCUMENT))).toBe(false);
  });

  it("names the cookie with the __Host- prefix on https only", () => {
    expect(codesViewCookieName(true)).toBe("__Host-twofold.codes-view");
    expect(codesViewCookieName(false)).toBe("twofold.codes-view");
  });
});
