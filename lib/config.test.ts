import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

// parseConfig reads only what it's given; public/ is the repository's (vitest runs at its root).
const parse = (env: Record<string, string>) => parseConfig({ NODE_ENV: "test", ...env });

describe("branding configuration", () => {
  it("defaults to the Twofold name, no logo and the built-in accent", () => {
    const config = parse({});
    expect(config.APP_NAME).toBe("Twofold");
    expect(config.APP_LOGO).toBeUndefined();
    expect(config.APP_ACCENT).toBeUndefined();
    // Empty values, as a blank line in an env file gives, mean unset too.
    expect(parse({ APP_LOGO: "", APP_ACCENT: "" }).APP_ACCENT).toBeUndefined();
  });

  it("accepts a name, a logo under public/ and an accent with enough contrast, normalised", () => {
    const config = parse({ APP_NAME: "Acme Secure", APP_LOGO: "/brand/example-logo.svg", APP_ACCENT: "#0F766E" });
    expect(config.APP_NAME).toBe("Acme Secure");
    expect(config.APP_LOGO).toBe("/brand/example-logo.svg");
    expect(config.APP_ACCENT).toBe("#0f766e");
    expect(parse({ APP_ACCENT: "#333" }).APP_ACCENT).toBe("#333333");
    expect(parse({ APP_ACCENT: "#767676" }).APP_ACCENT).toBe("#767676");
  });

  it("refuses an accent below 4.5:1 on white in one line naming the variable and the ratio", () => {
    expect(() => parse({ APP_ACCENT: "#aaaaaa" })).toThrow(
      /^Invalid configuration: APP_ACCENT: #aaaaaa has a contrast of 2\.32:1 against white, below the 4\.5:1 that text and buttons in it need \(WCAG 2\.1 AA\); choose a darker colour$/,
    );
    // Just below the limit: 4.48:1.
    expect(() => parse({ APP_ACCENT: "#777777" })).toThrow(/APP_ACCENT: #777777 has a contrast of 4\.47:1/);
  });

  it("refuses an accent that isn't a hex colour", () => {
    expect(() => parse({ APP_ACCENT: "teal" })).toThrow(/^Invalid configuration: APP_ACCENT: "teal" is not a hex colour; use #rgb or #rrggbb/);
  });

  it("refuses a logo that isn't a file under public/", () => {
    expect(() => parse({ APP_LOGO: "https://cdn.example/logo.svg" })).toThrow(/^Invalid configuration: APP_LOGO: "https:\/\/cdn\.example\/logo\.svg" must be a path/);
    expect(() => parse({ APP_LOGO: "/brand/../../package.json" })).toThrow(/APP_LOGO: .* must not contain \.\./);
    expect(() => parse({ APP_LOGO: "/brand/nope.svg" })).toThrow(/APP_LOGO: "\/brand\/nope\.svg" must be a file in public\/ \(public\/brand\/nope\.svg doesn't exist\)/);
  });

  it("refuses a blank name", () => {
    expect(() => parse({ APP_NAME: "   " })).toThrow(/^Invalid configuration: APP_NAME: /);
  });

  it("names every wrong variable on the one line", () => {
    let message = "";
    try {
      parse({ APP_ACCENT: "#aaaaaa", APP_LOGO: "/nope.svg" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/APP_LOGO: .*; APP_ACCENT: |APP_ACCENT: .*; APP_LOGO: /);
    expect(message).not.toContain("\n");
  });
});

describe("the 2FA policy", () => {
  it("is off with 14 days' grace by default, and reads true/false and whole days", () => {
    expect(parse({})).toMatchObject({ REQUIRE_SECOND_FACTOR: false, REQUIRE_SECOND_FACTOR_GRACE_DAYS: 14 });
    expect(parse({ REQUIRE_SECOND_FACTOR: "" }).REQUIRE_SECOND_FACTOR).toBe(false);
    expect(parse({ REQUIRE_SECOND_FACTOR: "true", REQUIRE_SECOND_FACTOR_GRACE_DAYS: "0" })).toMatchObject({
      REQUIRE_SECOND_FACTOR: true,
      REQUIRE_SECOND_FACTOR_GRACE_DAYS: 0,
    });
    expect(parse({ REQUIRE_SECOND_FACTOR: "false" }).REQUIRE_SECOND_FACTOR).toBe(false);
  });

  it("refuses anything else, naming the variable", () => {
    expect(() => parse({ REQUIRE_SECOND_FACTOR: "yes" })).toThrow(/^Invalid configuration: REQUIRE_SECOND_FACTOR: use true or false$/);
    expect(() => parse({ REQUIRE_SECOND_FACTOR_GRACE_DAYS: "-1" })).toThrow(/REQUIRE_SECOND_FACTOR_GRACE_DAYS/);
  });
});
