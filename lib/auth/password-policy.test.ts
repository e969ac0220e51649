import { describe, expect, it } from "vitest";
import { checkNewPassword, PASSWORD_MAX_LENGTH } from "./password-policy";

describe("checkNewPassword", () => {
  it("refuses fewer than 8 characters", () => {
    expect(checkNewPassword("k3#Lm9!")).toMatch(/at least 8/);
  });

  it("counts code points, not UTF-16 units", () => {
    // Four emoji are 8 UTF-16 units but only 4 characters.
    expect(checkNewPassword("🔑🔑🔑🔑")).toMatch(/at least 8/);
    expect(checkNewPassword("🔑🔑🔑🔑🔑🔑🔑🔑")).toBeNull();
  });

  it("refuses more than the maximum", () => {
    expect(checkNewPassword("x".repeat(PASSWORD_MAX_LENGTH + 1))).toMatch(/at most/);
    expect(checkNewPassword("correct horse ".repeat(9).slice(0, PASSWORD_MAX_LENGTH))).toBeNull();
  });

  it("has no composition rules", () => {
    expect(checkNewPassword("lowercaseonlypassphrase")).toBeNull();
  });

  it("refuses common passwords whatever their case", () => {
    expect(checkNewPassword("password1")).toMatch(/commonly used/);
    expect(checkNewPassword("PassWord1")).toMatch(/commonly used/);
    expect(checkNewPassword("12345678")).toMatch(/commonly used/);
    expect(checkNewPassword("iloveyou")).toMatch(/commonly used/);
  });

  it("refuses the email as password", () => {
    expect(checkNewPassword("Someone@Example.test", "someone@example.test")).toMatch(/email/);
  });
});
