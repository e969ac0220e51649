import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { insertSpentChallenge } from "@/db/queries/webauthn";
import { currentKey, keyById, type DerivedKey } from "@/lib/crypto/keys";

/**
 * Stateless WebAuthn challenges. Issuing one writes nothing: the challenge carries its own proof,
 *
 *   base64url( keyId(4) ‖ nonce(16) ‖ expiry(8, Unix ms) ‖ HMAC-SHA-256(key, keyId ‖ nonce ‖ expiry
 *              ‖ purpose ‖ binding ‖ user) )
 *
 * under a key derived from AUTH_SECRET, so a page view that asks for one (passkey autofill on
 * /login) costs the server no row. The tag binds the challenge to its ceremony (purpose), to the
 * session or sign-in attempt it was issued to (binding) and to the user it was issued for, so it
 * can't be carried to another ceremony, browser or account. A challenge is single-use only when it
 * is redeemed: its SHA-256 is inserted into webauthn_spent_challenges, whose primary key lets
 * exactly one of two concurrent redemptions (in any process sharing the database) through. The
 * row is needed only until the challenge would have expired anyway.
 */
export const CHALLENGE_TTL_SECONDS = 5 * 60;

export type CeremonyPurpose = "register" | "second_factor" | "passkey";

export interface ChallengeScope {
  purpose: CeremonyPurpose;
  /** The session id (registration, second factor, re-authentication) or sign-in attempt cookie. */
  binding: string;
  /** The user the ceremony is for; null for a passkey sign-in, where nobody is known yet. */
  userId: string | null;
}

export type ChallengeRefusal = "malformed" | "forged" | "expired" | "spent";

const KEY_ID_BYTES = 4;
const NONCE_BYTES = 16;
const EXPIRY_BYTES = 8;
const TAG_BYTES = 32;
const HEADER_BYTES = KEY_ID_BYTES + NONCE_BYTES + EXPIRY_BYTES;
const CHALLENGE_BYTES = HEADER_BYTES + TAG_BYTES;
/** 60 bytes are exactly 80 base64url characters, no padding. */
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{80}$/;

/** Length-prefixed fields, so no two different scopes can produce the same tagged bytes. */
function field(value: string | null): Buffer {
  if (value === null) return Buffer.from([0]);
  const bytes = Buffer.from(value, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([Buffer.from([1]), length, bytes]);
}

function tagOf(key: DerivedKey, header: Buffer, scope: ChallengeScope): Buffer {
  return createHmac("sha256", key.key)
    .update(header)
    .update(field(scope.purpose))
    .update(field(scope.binding))
    .update(field(scope.userId))
    .digest();
}

/** A new challenge for `scope`, valid for CHALLENGE_TTL_SECONDS; base64url, as WebAuthn carries it. */
export function sealChallenge(scope: ChallengeScope, now = new Date()): string {
  const key = currentKey("webauthn-challenge");
  const header = Buffer.alloc(HEADER_BYTES);
  Buffer.from(key.id, "hex").copy(header, 0);
  randomBytes(NONCE_BYTES).copy(header, KEY_ID_BYTES);
  header.writeBigUInt64BE(BigInt(now.getTime() + CHALLENGE_TTL_SECONDS * 1000), KEY_ID_BYTES + NONCE_BYTES);
  return Buffer.concat([header, tagOf(key, header, scope)]).toString("base64url");
}

export type OpenedChallenge = { ok: true; expiresAt: Date } | { ok: false; reason: Exclude<ChallengeRefusal, "spent"> };

/**
 * Checks a challenge's tag (constant-time, under the key its id names: the current one or one of
 * AUTH_SECRET_PREVIOUS while rotating) and its expiry. Does not spend it: see redeemChallenge.
 */
export function openChallenge(challenge: unknown, scope: ChallengeScope, now = new Date()): OpenedChallenge {
  if (typeof challenge !== "string" || !CHALLENGE_PATTERN.test(challenge)) return { ok: false, reason: "malformed" };
  const bytes = Buffer.from(challenge, "base64url");
  if (bytes.length !== CHALLENGE_BYTES) return { ok: false, reason: "malformed" };
  const header = bytes.subarray(0, HEADER_BYTES);
  const key = keyById("webauthn-challenge", header.subarray(0, KEY_ID_BYTES).toString("hex"));
  if (!key) return { ok: false, reason: "forged" };
  if (!timingSafeEqual(tagOf(key, header, scope), bytes.subarray(HEADER_BYTES))) return { ok: false, reason: "forged" };
  const expiresAt = Number(header.readBigUInt64BE(KEY_ID_BYTES + NONCE_BYTES));
  if (!(now.getTime() < expiresAt)) return { ok: false, reason: "expired" };
  return { ok: true, expiresAt: new Date(expiresAt) };
}

export type RedeemedChallenge = { ok: true } | { ok: false; reason: ChallengeRefusal };

/** Opens the challenge, then spends it: of every redemption of one challenge, only the first succeeds. */
export async function redeemChallenge(challenge: unknown, scope: ChallengeScope, now = new Date()): Promise<RedeemedChallenge> {
  const opened = openChallenge(challenge, scope, now);
  if (!opened.ok) return opened;
  const hash = createHash("sha256").update(challenge as string).digest("hex");
  return (await insertSpentChallenge(hash, opened.expiresAt)) ? { ok: true } : { ok: false, reason: "spent" };
}
