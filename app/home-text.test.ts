import { describe, expect, it } from "vitest";
import type { AmrEntry } from "@/lib/auth/aal";
import type { SignInWays } from "@/lib/auth/sign-in-ways";
import { homeText } from "./home-text";

const at = "2026-12-01T10:00:00.000Z";
const PASSWORD: AmrEntry[] = [{ method: "password", completed_at: at }];
const PASSWORD_TOTP: AmrEntry[] = [...PASSWORD, { method: "totp", completed_at: at }];
const PASSKEY: AmrEntry[] = [{ method: "webauthn", completed_at: at, multi_factor: true }];
const OIDC: AmrEntry[] = [{ method: "oidc", completed_at: at }];

const none: SignInWays = { password: false, provider: null, passkeys: 0, authenticatorApps: 0, securityKeys: 0 };

function text(ways: Partial<SignInWays>, amr: AmrEntry[] = PASSWORD, firstSession = false) {
  const out = homeText({ firstSession, amr, ways: { ...none, ...ways } });
  return { ...out, all: [out.greeting, out.thisSession, ...out.security].join(" ") };
}

describe("homeText", () => {
  it("greets a first session with Welcome, a later one with Welcome back", () => {
    expect(text({ password: true }, PASSWORD, true).greeting).toBe("Welcome");
    expect(text({ password: true }, PASSWORD, false).greeting).toBe("Welcome back");
  });

  it("password only: 2FA off, the password alone signs in", () => {
    expect(text({ password: true }).security).toEqual([
      "Two-step verification is off.",
      "Your password alone signs you in.",
      "Add an authenticator app or a security key so that a stolen password isn't enough.",
    ]);
  });

  it("password and an authenticator app", () => {
    const out = text({ password: true, authenticatorApps: 1 }, PASSWORD_TOTP);
    expect(out.thisSession).toBe("You signed in with your password and a code from your authenticator app.");
    expect(out.security).toEqual(["Two-step verification is on.", "Signing in with your password also takes a code from your authenticator app."]);
    expect(out.all).not.toMatch(/passkey/i);
  });

  it("password, an app and a passkey, signed in with the passkey", () => {
    const out = text({ password: true, authenticatorApps: 1, securityKeys: 1, passkeys: 1 }, PASSKEY);
    expect(out.thisSession).toBe("You signed in with a passkey.");
    expect(out.security).toEqual([
      "Two-step verification is on.",
      "Signing in with your password also takes a code from your authenticator app or a security key.",
      "Your passkey signs you in on its own: it is both steps in one.",
    ]);
  });

  it("passkey only (no password, no provider): never mentions a password", () => {
    const out = text({ securityKeys: 2, passkeys: 2 }, PASSKEY);
    expect(out.security).toEqual(["Two-step verification is on.", "Each of your passkeys signs you in on its own: it is both steps in one."]);
    expect(out.all).not.toMatch(/password/i);
  });

  it("provider only, without and with a second step", () => {
    const off = text({ provider: "Example ID" }, OIDC);
    expect(off.thisSession).toBe("You signed in with your Example ID account.");
    expect(off.security).toEqual([
      "Two-step verification is off.",
      "Your Example ID account alone signs you in.",
      "Add an authenticator app or a security key so that your Example ID account isn't enough.",
    ]);
    expect(off.all).not.toMatch(/password/i);
    const on = text({ provider: "Example ID", securityKeys: 1 }, [...OIDC, { method: "webauthn", completed_at: at }]);
    expect(on.thisSession).toBe("You signed in with your Example ID account and a security key.");
    expect(on.security).toEqual(["Two-step verification is on.", "Signing in with your Example ID account also takes a security key."]);
    expect(on.all).not.toMatch(/password|passkey/i);
  });

  it("password and provider, without a second step", () => {
    expect(text({ password: true, provider: "Example ID" }).security).toEqual([
      "Two-step verification is off.",
      "Your password or your Example ID account alone signs you in.",
      "Add an authenticator app or a security key so that neither is enough on its own.",
    ]);
  });

  it("a recovery-code sign-in says so", () => {
    expect(text({ password: true, authenticatorApps: 1 }, [...PASSWORD, { method: "lookup_secret", completed_at: at }]).thisSession)
      .toBe("You signed in with your password and a recovery code.");
  });
});
