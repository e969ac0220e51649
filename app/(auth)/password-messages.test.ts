import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, checkNewPassword } from "@/lib/auth/password-policy";
import { NEW_PASSWORD_HINT, totpCodeHint } from "./field-hints";
import { NEW_PASSWORD_MESSAGES } from "./password-messages";

describe("new-password wording", () => {
  it("words every reason the policy gives, with the policy's numbers", () => {
    expect(NEW_PASSWORD_MESSAGES[checkNewPassword("short")!]).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
    expect(NEW_PASSWORD_MESSAGES[checkNewPassword("x".repeat(PASSWORD_MAX_LENGTH + 1))!]).toBe(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
    expect(NEW_PASSWORD_MESSAGES[checkNewPassword("password1")!]).toMatch(/commonly used/);
    expect(NEW_PASSWORD_MESSAGES[checkNewPassword("alice-2026!", "alice@example.test")!]).toMatch(/email address/);
    expect(NEW_PASSWORD_MESSAGES[checkNewPassword("seven amber\nherons")!]).toMatch(/control characters/);
  });

  it("keeps the field hint's minimum (a client string, it can't import the policy) in step with the policy", () => {
    expect(NEW_PASSWORD_HINT).toContain(`At least ${PASSWORD_MIN_LENGTH} characters.`);
  });

  it("names the configured product in the authenticator-app hint", () => {
    expect(totpCodeHint("Acme Secure")).toBe("Open your authenticator app and enter the 6-digit code it shows for Acme Secure.");
  });
});
