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
  deleteAllWebAuthnCredentials,
  deleteWebAuthnCredentialUnless,
  findWebAuthnCredential,
  hasWebAuthnCredential,
  insertWebAuthnCredential,
  listWebAuthnCredentials,
  recordWebAuthnUse,
  renameWebAuthnCredential,
  type WebAuthnCredentialRow,
} from "@/db/queries/webauthn";
import { isMultiFactorWebAuthn } from "@/lib/auth/aal";
import { getConfig } from "@/lib/config";
import { constantTimeEqual } from "@/lib/crypto/hash";
import {
  CHALLENGE_TTL_SECONDS,
  redeemChallenge,
  sealChallenge,
  type CeremonyPurpose,
  type ChallengeRefusal,
  type ChallengeScope,
} from "@/lib/mfa/webauthn-challenge";
import { findUserById } from "@/db/queries/users";
import { hasPassword } from "@/lib/auth/password";
import { removeCredential } from "@/lib/mfa/removal";
import { removalLeavesNoWayIn } from "@/lib/mfa/ways-in";
import type { MethodImplementation, VerifyOutcome } from "@/lib/mfa/types";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * WebAuthn ceremonies with @simplewebauthn/server v14. Challenges are stateless and bound
 * (lib/mfa/webauthn-challenge.ts): to the session (registration, second factor, re-authentication)
 * or to the browser's sign-in attempt (passkey sign-in), and to the user when one is known; they
 * expire after 5 minutes and are spent by their first use. RP ID and origin come from APP_ORIGIN.
 */
export { CHALLENGE_TTL_SECONDS, type CeremonyPurpose };
export { KEY_NAME_MAX_LENGTH } from "@/lib/mfa/webauthn-limits";

export const webauthnMethod: MethodImplementation<"webauthn"> = {
  id: "webauthn",
  raisesAvailableAal: true,
  isEnrolled: hasWebAuthnCredential,
  async verify(userId, { response, binding }, { client, now }): Promise<VerifyOutcome> {
    const outcome = await verifyWebAuthnUse({ purpose: "second_factor", binding, userId, response, now }, client);
    if (outcome.ok) return { ok: true, detail: { key: outcome.credential.name } };
    // Which check refused it is worth logging; the user is told the same for all but a clone.
    const detail = { refusal: outcome.reason === "challenge" ? `challenge_${outcome.challenge}` : outcome.reason };
    return { ok: false, reason: outcome.reason === "counter" ? "possibly_cloned" : "invalid", detail };
  },
  async remove(userId, credentialId, context) {
    if (!credentialId) return { ok: false, reason: "not_found" };
    // A password is never removed, only set, so reading it before the transaction is safe.
    const user = await findUserById(userId);
    const withPassword = user ? hasPassword(user) : false;
    const outcome = await deleteWebAuthnCredentialUnless(userId, credentialId, (target, ways) =>
      removalLeavesNoWayIn(target, { hasPassword: withPassword, ...ways }),
    );
    if (outcome.kind === "refused") return { ok: false, reason: "only_way_in" };
    const deleted = Promise.resolve(outcome.kind === "deleted" ? { detail: { key: outcome.row.name } } : null);
    return removeCredential(userId, context, "webauthn.removed", deleted);
  },
  removeAll: deleteAllWebAuthnCredentials,
};

/** Renames one of the user's keys; false when it isn't (or no longer) theirs. */
export function renameWebAuthnKey(userId: string, credentialId: string, name: string): Promise<boolean> {
  return renameWebAuthnCredential(userId, credentialId, name);
}

function relyingParty() {
  const config = getConfig();
  return { rpID: config.rpId, rpName: config.APP_NAME, origin: config.origin.origin };
}

/** What WebAuthn signs: the challenge bytes (the options carry them as base64url). */
function issueChallenge(scope: ChallengeScope): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(sealChallenge(scope), "base64url"));
}

type TakenChallenge = { ok: true; challenge: string } | { ok: false; refusal: ChallengeRefusal };

/** Reads the challenge the browser signed, checks it was issued for this scope, and spends it. */
async function takeChallenge(clientDataJSON: unknown, scope: ChallengeScope, now: Date): Promise<TakenChallenge> {
  let challenge: unknown;
  try {
    challenge = decodeClientDataJSON(clientDataJSON as string).challenge;
  } catch {
    return { ok: false, refusal: "malformed" };
  }
  const redeemed = await redeemChallenge(challenge, scope, now);
  return redeemed.ok ? { ok: true, challenge: challenge as string } : { ok: false, refusal: redeemed.reason };
}

/** The user handle registration gives the authenticator (userID), as a response carries it. */
export function userHandleOf(userId: string): string {
  return Buffer.from(userId, "utf8").toString("base64url");
}

const parseTransports = (json: string) => JSON.parse(json) as AuthenticatorTransport[];

export async function beginWebAuthnRegistration(input: {
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
    challenge: issueChallenge({ purpose: "register", binding: input.binding, userId: input.userId }),
  });
  return options;
}

export type RegistrationOutcome =
  | { ok: true; credential: WebAuthnCredentialRow }
  | { ok: false; reason: "challenge"; challenge: ChallengeRefusal }
  | { ok: false; reason: "invalid" | "duplicate" };

export async function confirmWebAuthnRegistration(input: {
  userId: string;
  binding: string;
  name: string;
  response: RegistrationResponseJSON;
  now?: Date;
}): Promise<RegistrationOutcome> {
  const now = input.now ?? new Date();
  const taken = await takeChallenge(input.response?.response?.clientDataJSON, { purpose: "register", binding: input.binding, userId: input.userId }, now);
  if (!taken.ok) return { ok: false, reason: "challenge", challenge: taken.refusal };
  const { rpID, origin } = relyingParty();
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: taken.challenge,
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

/**
 * Options for a second factor (the user's credentials), a passkey re-authentication (the user's
 * passkeys) or a passkey sign-in (any discoverable credential: nobody is known yet).
 */
export async function createAuthenticationOptions(input: {
  purpose: Exclude<CeremonyPurpose, "register">;
  binding: string;
  userId?: string;
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { rpID } = relyingParty();
  const allowed = input.userId
    ? (await listWebAuthnCredentials(input.userId)).filter((c) => input.purpose === "second_factor" || c.isPasskey)
    : [];
  return generateAuthenticationOptions({
    rpID,
    allowCredentials: allowed.length > 0 ? allowed.map((c) => ({ id: c.id, transports: parseTransports(c.transports) })) : undefined,
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    // A passkey sign-in replaces password + second factor: it must verify the user.
    userVerification: input.purpose === "passkey" ? "required" : "preferred",
    challenge: issueChallenge({ purpose: input.purpose, binding: input.binding, userId: input.userId ?? null }),
  });
}

export type AuthenticationRefusal = "invalid" | "unknown_credential" | "wrong_user" | "user_handle" | "counter" | "not_passkey";

export type AuthenticationOutcome =
  | { ok: true; userId: string; credential: WebAuthnCredentialRow; multiFactor: boolean }
  | { ok: false; reason: "challenge"; challenge: ChallengeRefusal; credential?: undefined }
  | { ok: false; reason: AuthenticationRefusal; credential?: WebAuthnCredentialRow };

/**
 * Signature counter policy (WebAuthn §6.1.1): a counter that doesn't move past the stored one,
 * when either is non-zero, means two copies of the key may exist: the use is refused and the
 * caller logs it. Authenticators that keep no counter (always 0, e.g. synced passkeys) pass.
 */
export function counterRegressed(stored: number, received: number): boolean {
  return (stored > 0 || received > 0) && received <= stored;
}

/**
 * The user handle check of WebAuthn §7.2 step 6: when nobody was identified before the ceremony (a
 * passkey sign-in), the response must carry a user handle; whenever it carries one, it must be the
 * credential owner's. A discoverable credential names its account: one that names another account
 * than the credential's row is refused, not silently signed in as the row's owner.
 */
function userHandleMatches(received: unknown, owner: string, userKnownBefore: boolean): boolean {
  if (received === undefined || received === null || received === "") return userKnownBefore;
  return typeof received === "string" && constantTimeEqual(received, userHandleOf(owner));
}

/**
 * verifyAuthentication, plus the one consequence every WebAuthn sign-in ceremony shares: a
 * counter that went backwards is written to the owner's security log (and mailed) as
 * `webauthn.counter_regressed`. Second factor, passkey sign-in and re-authentication call this.
 */
export async function verifyWebAuthnUse(input: Parameters<typeof verifyAuthentication>[0], client: ClientContext): Promise<AuthenticationOutcome> {
  const outcome = await verifyAuthentication(input);
  if (!outcome.ok && outcome.reason === "counter" && outcome.credential) {
    await recordSecurityEvent(outcome.credential.userId, "webauthn.counter_regressed", client, { key: outcome.credential.name });
  }
  return outcome;
}

export async function verifyAuthentication(input: {
  purpose: Exclude<CeremonyPurpose, "register">;
  binding: string;
  response: AuthenticationResponseJSON;
  /** The signed-in user the credential must belong to (second factor, re-authentication). */
  userId?: string;
  now?: Date;
}): Promise<AuthenticationOutcome> {
  const now = input.now ?? new Date();
  const scope = { purpose: input.purpose, binding: input.binding, userId: input.userId ?? null };
  const taken = await takeChallenge(input.response?.response?.clientDataJSON, scope, now);
  if (!taken.ok) return { ok: false, reason: "challenge", challenge: taken.refusal };
  const credential = typeof input.response.id === "string" ? await findWebAuthnCredential(input.response.id) : undefined;
  if (!credential) return { ok: false, reason: "unknown_credential" };
  if (input.userId !== undefined && credential.userId !== input.userId) return { ok: false, reason: "wrong_user" };
  if (!userHandleMatches(input.response.response.userHandle, credential.userId, input.userId !== undefined)) {
    return { ok: false, reason: "user_handle" };
  }
  const { rpID, origin } = relyingParty();
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: taken.challenge,
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
