import { describe, expect, it } from "vitest";
import { refreshUrl, safeReturnTo, secondFactorUrl } from "./return-to";

describe("safeReturnTo", () => {
  it("keeps same-origin paths with query and hash", () => {
    expect(safeReturnTo("/settings/security")).toBe("/settings/security");
    expect(safeReturnTo("/a/b?c=1#d")).toBe("/a/b?c=1#d");
  });

  it("refuses other origins and protocol tricks", () => {
    for (const hostile of [
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "evil.example",
      "/\t/evil.example",
      "/\u0000",
      "",
      42,
      null,
      "/" + "a".repeat(5000),
    ]) {
      expect(safeReturnTo(hostile)).toBe("/");
    }
  });

  it("normalises dot segments instead of leaving the origin", () => {
    expect(safeReturnTo("/../../etc")).toBe("/etc");
  });

  it("uses the fallback given", () => {
    expect(safeReturnTo("https://evil.example", "/home")).toBe("/home");
  });
});

describe("flow URLs", () => {
  it("build the contract's refresh URL", () => {
    expect(refreshUrl("/settings/security")).toBe("/login?refresh=true&return_to=%2Fsettings%2Fsecurity");
  });

  it("carry return_to to the second-factor step", () => {
    expect(secondFactorUrl("/")).toBe("/login/2fa");
    expect(secondFactorUrl("/settings/security")).toBe("/login/2fa?return_to=%2Fsettings%2Fsecurity");
  });
});
