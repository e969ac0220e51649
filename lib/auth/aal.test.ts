import { describe, expect, it } from "vitest";
import { computeAal, isMultiFactorWebAuthn, isPrivileged, meetsAal, privilegedUntil, type AmrEntry } from "./aal";

const at = "2026-01-01T00:00:00.000Z";
const entry = (method: AmrEntry["method"], extra: Partial<AmrEntry> = {}): AmrEntry => ({
  method,
  completed_at: at,
  ...extra,
});

describe("computeAal", () => {
  it("is aal1 with a first factor only", () => {
    expect(computeAal([entry("password")])).toBe("aal1");
    expect(computeAal([entry("oidc")])).toBe("aal1");
  });

  it("is aal2 with a first and a second factor", () => {
    for (const second of ["totp", "webauthn", "lookup_secret"] as const) {
      expect(computeAal([entry("password"), entry(second)])).toBe("aal2");
    }
    expect(computeAal([entry("oidc"), entry("totp")])).toBe("aal2");
  });

  it("keeps two first factors at aal1 (Kratos: password + oidc = aal1)", () => {
    expect(computeAal([entry("password"), entry("oidc")])).toBe("aal1");
  });

  it("never grants aal2 for a second factor alone", () => {
    expect(computeAal([entry("totp")])).toBe("aal1");
    expect(computeAal([entry("webauthn")])).toBe("aal1");
    expect(computeAal([])).toBe("aal1");
  });

  it("grants aal2 for a multi-factor passkey sign-in", () => {
    expect(computeAal([entry("webauthn", { multi_factor: true })])).toBe("aal2");
  });

  it("stays aal2 after a re-authentication appends a first factor", () => {
    expect(computeAal([entry("password"), entry("totp"), entry("password")])).toBe("aal2");
  });
});

describe("meetsAal", () => {
  it("orders the levels", () => {
    expect(meetsAal("aal2", "aal1")).toBe(true);
    expect(meetsAal("aal2", "aal2")).toBe(true);
    expect(meetsAal("aal1", "aal2")).toBe(false);
  });
});

describe("privileged window", () => {
  const authenticatedAt = new Date("2026-01-01T00:00:00Z");

  it("is open strictly before authenticated_at + max age", () => {
    expect(isPrivileged(authenticatedAt, 900, new Date("2026-01-01T00:14:59.999Z"))).toBe(true);
    expect(isPrivileged(authenticatedAt, 900, new Date("2026-01-01T00:15:00Z"))).toBe(false);
  });

  it("reports where it ends", () => {
    expect(privilegedUntil(authenticatedAt, 60)?.toISOString()).toBe("2026-01-01T00:01:00.000Z");
  });
});

describe("isMultiFactorWebAuthn", () => {
  it("needs a passkey registration and user verification at this use", () => {
    expect(isMultiFactorWebAuthn({ registeredAsPasskey: true, userVerified: true })).toBe(true);
    expect(isMultiFactorWebAuthn({ registeredAsPasskey: true, userVerified: false })).toBe(false);
    expect(isMultiFactorWebAuthn({ registeredAsPasskey: false, userVerified: true })).toBe(false);
  });
});
