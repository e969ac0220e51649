/**
 * The one place that turns completed authentication methods into an assurance level, and decides
 * whether a session is privileged. Methods never set the AAL themselves; they only append what they
 * completed to the session's AMR (Ory Kratos' model, see docs/architecture.md).
 */

export type AuthMethod = "password" | "oidc" | "totp" | "webauthn" | "lookup_secret";
export type Aal = "aal1" | "aal2";

export interface AmrEntry {
  method: AuthMethod;
  completed_at: string;
  /**
   * Set when one method satisfied both factors at once: a passkey sign-in (a discoverable WebAuthn
   * credential with user verification) is a multi-factor cryptographic authenticator, which
   * NIST SP 800-63B counts as AAL2 on its own. Not part of the public JSON.
   */
  multi_factor?: true;
}

const FIRST_FACTORS: ReadonlySet<AuthMethod> = new Set(["password", "oidc"]);
const SECOND_FACTORS: ReadonlySet<AuthMethod> = new Set(["totp", "webauthn", "lookup_secret"]);

/** Two first factors (password + oidc) stay aal1, as in Kratos. */
export function computeAal(amr: readonly AmrEntry[]): Aal {
  if (amr.some((entry) => entry.multi_factor)) return "aal2";
  const hasFirst = amr.some((entry) => FIRST_FACTORS.has(entry.method));
  const hasSecond = amr.some((entry) => SECOND_FACTORS.has(entry.method));
  return hasFirst && hasSecond ? "aal2" : "aal1";
}

/**
 * When a WebAuthn sign-in is a whole multi-factor authentication on its own (a passkey): the
 * credential was registered as discoverable with user verification, and this use verified the user
 * again (PIN or biometric: something you know or are, on something you have). Anything less is a
 * possession factor only and serves as a second factor after a password.
 */
export function isMultiFactorWebAuthn(use: { registeredAsPasskey: boolean; userVerified: boolean }): boolean {
  return use.registeredAsPasskey && use.userVerified;
}

export function isSecondFactor(method: AuthMethod): boolean {
  return SECOND_FACTORS.has(method);
}

const AAL_RANK: Record<Aal, number> = { aal1: 1, aal2: 2 };

export function meetsAal(actual: Aal, required: Aal): boolean {
  return AAL_RANK[actual] >= AAL_RANK[required];
}

/** CONTRACT.md: privileged while now < authenticated_at + PRIVILEGED_SESSION_MAX_AGE. */
export function privilegedUntil(authenticatedAt: Date, maxAgeSeconds: number): Date {
  return new Date(authenticatedAt.getTime() + maxAgeSeconds * 1000);
}

export function isPrivileged(authenticatedAt: Date, maxAgeSeconds: number, now: Date): boolean {
  return now.getTime() < privilegedUntil(authenticatedAt, maxAgeSeconds).getTime();
}
