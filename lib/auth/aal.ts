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

const AAL_RANK: Record<Aal, number> = { aal1: 1, aal2: 2 };

export function meetsAal(actual: Aal, required: Aal): boolean {
  return AAL_RANK[actual] >= AAL_RANK[required];
}

/**
 * docs/contract.md: privileged while now < authenticated_at + PRIVILEGED_SESSION_MAX_AGE. A session that
 * has not completed an authentication yet (a fresh sign-in waiting for its second factor) has no
 * authenticated_at, so it is never privileged.
 */
export function privilegedUntil(authenticatedAt: Date | null, maxAgeSeconds: number): Date | null {
  return authenticatedAt ? new Date(authenticatedAt.getTime() + maxAgeSeconds * 1000) : null;
}

export function isPrivileged(authenticatedAt: Date | null, maxAgeSeconds: number, now: Date): boolean {
  const until = privilegedUntil(authenticatedAt, maxAgeSeconds);
  return until !== null && now.getTime() < until.getTime();
}

/**
 * A (re-)authentication that passed its first factor may finish its second within this time; a
 * fresh sign-in that doesn't is ended (lib/auth/session.ts), so the password alone never buys a
 * long guessing session.
 */
export const SECOND_FACTOR_STEP_MAX_AGE_SECONDS = 10 * 60;

export function secondFactorStepOpen(dueSince: Date | null, now: Date): boolean {
  return dueSince !== null && now.getTime() - dueSince.getTime() < SECOND_FACTOR_STEP_MAX_AGE_SECONDS * 1000;
}
