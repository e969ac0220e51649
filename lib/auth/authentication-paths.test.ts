import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// No request path may renew a session's authentication without a factor. Authentication is
// recorded by exactly two functions: createSession (a new session) and recordAuthenticationStep
// (appending to one, and only effect "complete" moves authenticated_at). This test pins down who
// calls them, so a new caller has to be looked at, not slipped in.
const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sources(relative);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [relative] : [];
  });
}

const files = [...sources("app"), ...sources("lib")].map((file) => ({ file, text: readFileSync(path.join(ROOT, file), "utf8") }));
const callersOf = (fn: string) => files.filter(({ text }) => new RegExp(`\\b${fn}\\(`).test(text)).map(({ file }) => file).sort();

describe("who records an authentication", () => {
  it("only the first-factor path creates sessions", () => {
    expect(callersOf("createSession").filter((f) => f !== "lib/auth/session.ts")).toEqual(["lib/auth/first-factor.ts"]);
  });

  it("only the first- and second-factor paths complete one; enrolment only appends", () => {
    const callers = callersOf("recordAuthenticationStep").filter((f) => f !== "lib/auth/session.ts");
    expect(callers).toEqual([
      "app/settings/security/actions.ts",
      "app/settings/security/webauthn-actions.ts",
      "lib/auth/first-factor.ts",
      "lib/auth/flow.ts",
    ]);
    for (const file of ["app/settings/security/actions.ts", "app/settings/security/webauthn-actions.ts"]) {
      const text = files.find((f) => f.file === file)!.text;
      const effects = [...text.matchAll(/recordAuthenticationStep\([^;]*?effect:\s*"([a-z_]+)"/gs)].map((m) => m[1]);
      expect(effects, file).toEqual(effects.map(() => "enrolment"));
      expect(effects.length, file).toBeGreaterThan(0);
    }
  });
});
