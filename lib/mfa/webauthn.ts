import "server-only";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { decodeClientDataJSON } from "@simplewebauthn/server/helpers";
import {
  consumeWebAuthnChallenge,
  deleteAllWebAuthnCredentials,
  findWebAuthnCredential,
  hasWebAuthnCredential,
  insertWebAuthnChallenge,
  insertWebAuthnCredential,
  listWebAuthnCredentials,
  recordWebAuthnUse,
  type WebAuthnCredentialRow,
} from "@/db/queries/webauthn";
import { isMultiFactorWebAuthn } from "@/lib/auth/aal";
import { getConfig } from "@/lib/config";
import { sha256Hex } from "@/lib/crypto/hash";
import type { SecondFactorMethod } from "@/lib/mfa/types";

/**
 * WebAuthn ceremonies with @simplewebauthn/server v14. Challenges are made and kept on the server,
 * bound to the session (registration, second factor) or to the browser's sign-in attempt
 * (passkey), expire after 5 minutes and are consumed by their first use. RP ID and origin come
 * from APP_ORIGIN.
 */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
export { KEY_NAME_MAX_LENGTH } from "@/lib/mfa/webauthn-limits";

export type CeremonyPurpose = "register" | "second_factor" | "passkey";

export const webauthnMethod: SecondFactorMethod = {
  id: "webauthn",
  raisesAvailableAal: true,
  isEnrolled: hasWebAuthnCredential,
  removeAll: deleteAllWebAuthnCredentials,
};

function relyingParty() {
  const config = getConfig();
  return { rpID: config.rpId, rpName: config.APP_NAME, origin: config.origin.origin };
}

async function storeChallenge(challenge: string, purpose: CeremonyPurpose, binding: string, userId: string | null) {
  const now = new Date();
  await insertWebAuthnChallenge(
    {
      challenge,
      purpose,
      bindingHash: sha256Hex(binding),
      userId,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000),
    },
    now,
  );
}

/** Reads the challenge the browser signed, and consumes our copy of it (single use). */
async function takeChallenge(clientDataJSON: string, purpose: CeremonyPurpose, binding: string, now: Date) {
  let challenge: string;
  try {
    challenge = decodeClientDataJSON(clientDataJSON).challenge;
  } catch {
    return undefined;
  }
  if (typeof challenge !== "string" || challenge.length > 256) return undefined;
  return consumeWebAuthnChallenge(challenge, purpose, sha256Hex(binding), now);
}

const parseTransports = (json: string) => JSON.parse(json) as AuthenticatorTransport[];

export async function createRegistrationOptions(input: {
  userId: string;
  email: string;
  binding: string;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { rpID, rpName } = relyingParty();
  const existing = await listWebAuthnCredentials(input.userId);
  const options = await generateRegistrationOptions({
    rpName,
    rpID,
    userName: input.email,
    userID: new TextEncoder().encode(input.userId),
    attestationType: "none",
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    // The same authenticator can't be registered twice on one account.
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: parseTransports(c.transports) })),
    // Discoverable + user verification when the authenticator can: such a credential is a passkey.
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
    extensions: { credProps: true },
  });
  await storeChallenge(options.challenge, "register", input.binding, input.userId);
  return options;
}

export type RegistrationOutcome =
  | { ok: true; credential: WebAuthnCredentialRow }
  | { ok: false; reason: "challenge" | "invalid" | "duplicate" };

export async function verifyRegistration(input: {
  userId: string;
  binding: string;
  name: string;
  response: RegistrationResponseJSON;
  now?: Date;
}): Promise<RegistrationOutcome> {
  const now = input.now ?? new Date();
  const challenge = await takeChallenge(input.response?.response?.clientDataJSON, "register", input.binding, now);
  if (!challenge || challenge.userId !== input.userId) return { ok: false, reason: "challenge" };
  const { rpID, origin } = relyingParty();
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!verification.verified) return { ok: false, reason: "invalid" };
  const info = verification.registrationInfo;
  // credProps.rk says whether the authenticator made a discoverable credential; when it doesn't
  // say, we don't assume so.
  const discoverable = input.response.clientExtensionResults?.credProps?.rk === true;
  const credential: WebAuthnCredentialRow = {
    id: info.credential.id,
    userId: input.userId,
    name: input.name,
    publicKey: Buffer.from(info.credential.publicKey),
    counter: info.credential.counter,
    transports: JSON.stringify(input.response.response.transports ?? []),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    isPasskey: discoverable && info.userVerified,
    aaguid: info.aaguid,
    createdAt: now,
    lastUsedAt: null,
  };
  if (!(await insertWebAuthnCredential(credential))) return { ok: false, reason: "duplicate" };
  return { ok: true, credential };
}

/** Options for a second factor (the user's credentials) or a passkey sign-in (any discoverable one). */
export async function createAuthenticationOptions(input: {
  purpose: Exclude<CeremonyPurpose, "register">;
  binding: string;
  userId?: string;
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { rpID } = relyingParty();
  const allowCredentials =
    input.purpose === "second_factor" && input.userId
      ? (await listWebAuthnCredentials(input.userId)).map((c) => ({ id: c.id, transports: parseTransports(c.transports) }))
      : undefined;
  const options = await generateAuthenticationOptions({
    rpID,
    allowCredentials,
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    // A passkey sign-in replaces password + second factor: it must verify the user.
    userVerification: input.purpose === "passkey" ? "required" : "preferred",
  });
  await storeChallenge(options.challenge, input.purpose, input.binding, input.userId ?? null);
  return options;
}

export type AuthenticationOutcome =
  | { ok: true; userId: string; credential: WebAuthnCredentialRow; multiFactor: boolean }
  | { ok: false; reason: "challenge" | "invalid" | "unknown_credential" | "wrong_user" | "counter" | "not_passkey"; credential?: WebAuthnCredentialRow };

/**
 * Signature counter policy (WebAuthn §6.1.1): a counter that doesn't move past the stored one,
 * when either is non-zero, means two copies of the key may exist: the use is refused and the
 * caller logs it. Authenticators that keep no counter (always 0, e.g. synced passkeys) pass.
 */
export function counterRegressed(stored: number, received: number): boolean {
  return (stored > 0 || received > 0) && received <= stored;
}

export async function verifyAuthentication(input: {
  purpose: Exclude<CeremonyPurpose, "register">;
  binding: string;
  response: AuthenticationResponseJSON;
  /** For a second factor: the signed-in user the credential must belong to. */
  userId?: string;
  now?: Date;
}): Promise<AuthenticationOutcome> {
  const now = input.now ?? new Date();
  const challenge = await takeChallenge(input.response?.response?.clientDataJSON, input.purpose, input.binding, now);
  if (!challenge || (input.userId !== undefined && challenge.userId !== input.userId)) return { ok: false, reason: "challenge" };
  const credential = typeof input.response.id === "string" ? await findWebAuthnCredential(input.response.id) : undefined;
  if (!credential) return { ok: false, reason: "unknown_credential" };
  if (input.userId !== undefined && credential.userId !== input.userId) return { ok: false, reason: "wrong_user" };
  const { rpID, origin } = relyingParty();
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      // Our own counter policy below, so a regression can be told apart from a bad signature.
      credential: { id: credential.id, publicKey: new Uint8Array(credential.publicKey), counter: 0, transports: parseTransports(credential.transports) },
      requireUserVerification: input.purpose === "passkey",
    });
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!verification.verified) return { ok: false, reason: "invalid" };
  const { newCounter, userVerified } = verification.authenticationInfo;
  if (counterRegressed(credential.counter, newCounter)) return { ok: false, reason: "counter", credential };
  const multiFactor = isMultiFactorWebAuthn({ registeredAsPasskey: credential.isPasskey, userVerified });
  if (input.purpose === "passkey" && !multiFactor) return { ok: false, reason: "not_passkey", credential };
  if (!(await recordWebAuthnUse(credential.id, newCounter, now))) return { ok: false, reason: "counter", credential };
  return { ok: true, userId: credential.userId, credential, multiFactor };
}
