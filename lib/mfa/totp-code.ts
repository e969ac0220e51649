import { generateSecret, generateSync, generateURI, verifySync } from "otplib";
import { NodeCryptoPlugin } from "@otplib/plugin-crypto-node";

/**
 * RFC 6238 with the parameters every authenticator app honours: HMAC-SHA-1, 6 digits, 30-second
 * steps. A fresh 160-bit secret (RFC 4226 §4 recommends 160 bits). Node's native HMAC keeps a check
 * at a few microseconds.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_SECRET_BYTES = 20;
/** Steps accepted either side of now: ±1 step (±30 s) absorbs clock drift and typing time. */
export const TOTP_WINDOW_STEPS = 1;

const crypto = new NodeCryptoPlugin();

export function newTotpSecret(): string {
  return generateSecret({ length: TOTP_SECRET_BYTES, crypto });
}

/** otplib writes the label as `issuer:accountName`, the form Google Authenticator documents. */
export function totpUri(secret: string, issuer: string, accountName: string): string {
  const uri = new URL(
    generateURI({ issuer, label: accountName, secret, algorithm: "sha1", digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS }),
  );
  // otplib leaves out parameters that equal the defaults; spell them out so no app has to guess.
  uri.searchParams.set("algorithm", "SHA1");
  uri.searchParams.set("digits", String(TOTP_DIGITS));
  uri.searchParams.set("period", String(TOTP_PERIOD_SECONDS));
  return uri.toString();
}

/** The setup key grouped by four for reading aloud or typing. */
export function formatSetupKey(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/** Accepts "123 456" and "123-456"; returns null unless exactly six digits remain. */
export function normaliseTotpCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

export function totpStepAt(timeMs: number): number {
  return Math.floor(timeMs / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCodeAt(secret: string, timeMs: number): string {
  return generateSync({ secret, crypto, epoch: Math.floor(timeMs / 1000), period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, algorithm: "sha1" });
}

/** The RFC 6238 time step the code belongs to, within the window around `timeMs`, or null. */
export function matchTotpStep(secret: string, code: string, timeMs: number): number | null {
  const result = verifySync({
    secret,
    token: code,
    crypto,
    epoch: Math.floor(timeMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: "sha1",
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
  });
  return result.valid ? totpStepAt(timeMs) + result.delta : null;
}
