import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { currentKey, keyById, type KeyPurpose } from "@/lib/crypto/keys";

/**
 * AES-256-GCM with a fresh 96-bit nonce per message (NIST SP 800-38D). The output names its key
 * (`v1.<keyId>.<nonce>.<ciphertext+tag>`) so keys can rotate; `context` is bound as associated
 * data, so a ciphertext moved to another row or user fails to decrypt.
 */
const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function encrypt(purpose: KeyPurpose, plaintext: string, context: string): string {
  const { id, key } = currentKey(purpose);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, id, nonce.toString("base64url"), body.toString("base64url")].join(".");
}

/** Returns null for anything tampered with, truncated, or written with an unknown key. */
export function decrypt(purpose: KeyPurpose, sealed: string, context: string): string | null {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const key = keyById(purpose, parts[1]);
  if (!key) return null;
  const nonce = Buffer.from(parts[2], "base64url");
  const body = Buffer.from(parts[3], "base64url");
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, nonce);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return null;
  }
}

/**
 * Short-lived state handed to the browser (e.g. a pending TOTP secret during enrolment), so an
 * abandoned flow leaves nothing behind on the server. Expiry is inside the ciphertext.
 */
export function seal(value: unknown, context: string, ttlSeconds: number): string {
  const payload = JSON.stringify({ v: value, exp: Date.now() + ttlSeconds * 1000 });
  return encrypt("sealed-state", payload, context);
}

export function unseal<T>(sealed: string, context: string): T | null {
  const plaintext = decrypt("sealed-state", sealed, context);
  if (plaintext === null) return null;
  try {
    const { v, exp } = JSON.parse(plaintext) as { v: T; exp: number };
    return typeof exp === "number" && exp > Date.now() ? v : null;
  } catch {
    return null;
  }
}
