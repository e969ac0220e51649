import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { logoPathProblem } from "./logo";

const publicDir = mkdtempSync(path.join(tmpdir(), "twofold-public-"));
mkdirSync(path.join(publicDir, "brand"));
writeFileSync(path.join(publicDir, "brand", "logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
// A file next to public/ that a "/../" path would reach.
writeFileSync(path.join(path.dirname(publicDir), "twofold-outside.svg"), "<svg/>");

afterAll(() => {
  rmSync(publicDir, { recursive: true, force: true });
  rmSync(path.join(path.dirname(publicDir), "twofold-outside.svg"), { force: true });
});

describe("logoPathProblem", () => {
  it("accepts a file under public/", () => {
    expect(logoPathProblem("/brand/logo.svg", publicDir)).toBeNull();
  });

  it("refuses other hosts and schemes", () => {
    for (const value of ["https://cdn.example/logo.svg", "//cdn.example/logo.svg", "data:image/svg+xml,<svg/>", "javascript:alert(1)", "brand/logo.svg", "/brand/logo.svg:x"]) {
      expect(logoPathProblem(value, publicDir), value).not.toBeNull();
    }
  });

  it("refuses a way out of public/", () => {
    for (const value of ["/../twofold-outside.svg", "/brand/../../twofold-outside.svg", "/brand\\..\\..\\twofold-outside.svg"]) {
      expect(logoPathProblem(value, publicDir), value).toMatch(/\.\./);
    }
  });

  it("refuses a query or fragment, a folder and a missing file, saying which", () => {
    expect(logoPathProblem("/brand/logo.svg?v=2", publicDir)).toMatch(/\?/);
    expect(logoPathProblem("/brand", publicDir)).toMatch(/public\/brand is a folder/);
    expect(logoPathProblem("/brand/missing.svg", publicDir)).toMatch(/public\/brand\/missing\.svg doesn't exist/);
  });
});
