import "server-only";
import { createHash, hkdfSync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";

/**
 * All keys derive from AUTH_SECRET with HKDF-SHA-256 (RFC 5869), one label per purpose, so one
 * leaked derived key says nothing about the others. Former secrets (AUTH_SECRET_PREVIOUS) stay
 * usable for decryption and verification while data is rotated.
 */
export type KeyPurpose =
  | "totp-secret-encryption"
  | "recovery-code-hmac"
  | "sealed-state"
  | "auth-js"
  /** Tags the stateless WebAuthn challenges (lib/mfa/webauthn-challenge.ts). */
  | "webauthn-challenge";

export interface DerivedKey {
  /** Short public identifier written next to ciphertexts so the right key is found after rotation. */
  id: string;
  key: Buffer;
}

const MIN_SECRET_LENGTH = 32;
let secrets: string[] | undefined;
const derived = new Map<string, DerivedKey>();

function loadDevelopmentSecret(): string {
  // Development only: a secret generated once and kept beside the database, so sessions and
  // encrypted TOTP secrets survive restarts without any setup.
  const file = path.join(path.dirname(path.resolve(getConfig().DATABASE_PATH)), "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("hex");
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  }
}

function getSecrets(): string[] {
  if (secrets) return secrets;
  const config = getConfig();
  let current = config.AUTH_SECRET?.trim();
  if (!current) {
    if (config.NODE_ENV === "production") {
      throw new Error("AUTH_SECRET is required in production (at least 32 characters).");
    }
    current = loadDevelopmentSecret();
  }
  if (current.length < MIN_SECRET_LENGTH) {
    throw new Error(`AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters long.`);
  }
  const previous = (config.AUTH_SECRET_PREVIOUS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  secrets = [current, ...previous];
  return secrets;
}

function derive(secret: string, purpose: KeyPurpose): DerivedKey {
  const cacheKey = `${purpose}\0${secret}`;
  let entry = derived.get(cacheKey);
  if (!entry) {
    const key = Buffer.from(hkdfSync("sha256", secret, "twofold", `twofold/${purpose}/v1`, 32));
    const id = createHash("sha256").update(key).digest("hex").slice(0, 8);
    entry = { id, key };
    derived.set(cacheKey, entry);
  }
  return entry;
}

/** The key new data is written with. */
export function currentKey(purpose: KeyPurpose): DerivedKey {
  return derive(getSecrets()[0], purpose);
}

/** Every key data may have been written with, newest first. */
export function allKeys(purpose: KeyPurpose): DerivedKey[] {
  return getSecrets().map((secret) => derive(secret, purpose));
}

export function keyById(purpose: KeyPurpose, id: string): DerivedKey | undefined {
  return allKeys(purpose).find((k) => k.id === id);
}

/** Raw AUTH_SECRET for libraries that need one (Auth.js). */
export function authSecret(): string {
  return getSecrets()[0];
}
