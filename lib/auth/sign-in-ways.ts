import "server-only";
import { countLinkedIdentities } from "@/db/queries/linked-identities";
import { findUserById } from "@/db/queries/users";
import { listWebAuthnCredentials } from "@/db/queries/webauthn";
import { oidcProviderName } from "@/lib/auth/oidc";
import { hasPassword } from "@/lib/auth/password";
import { listTotpApps } from "@/lib/mfa/totp";

/**
 * What an account can sign in with today, for pages that tell the user how signing in works
 * (the home page). Facts only; the page words them (app/home-text.ts).
 */
export interface SignInWays {
  password: boolean;
  /** The provider's name when an identity is linked and the provider is configured, else null. */
  provider: string | null;
  /** Discoverable keys with user verification: each signs in alone (both steps in one). */
  passkeys: number;
  authenticatorApps: number;
  /** Every WebAuthn credential, passkeys included: any of them serves as a second step. */
  securityKeys: number;
}

export async function signInWays(userId: string): Promise<SignInWays> {
  const provider = oidcProviderName() ?? null;
  const [user, keys, apps, identities] = await Promise.all([
    findUserById(userId),
    listWebAuthnCredentials(userId),
    listTotpApps(userId),
    provider ? countLinkedIdentities(userId) : Promise.resolve(0),
  ]);
  return {
    password: user ? hasPassword(user) : false,
    provider: identities > 0 ? provider : null,
    passkeys: keys.filter((key) => key.isPasskey).length,
    authenticatorApps: apps.length,
    securityKeys: keys.length,
  };
}
