// An independent RFC 6238 TOTP (RFC 4226 HOTP over HMAC-SHA1) for the e2e tests. Deliberately NOT
// otplib: the app uses otplib, and a test that computes codes with the same library would not catch
// a mistake in how the app configures it (secret encoding, step, digits).
import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 → bytes. Ignores whitespace and `=` padding, case-insensitive. */
export function base32Decode(input: string): Buffer {
  const s = input.replace(/[\s=]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s) {
    const idx = ALPHABET.indexOf(ch);
    if (idx === -1) throw new Error(`base32Decode: invalid character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** HOTP value for one counter (RFC 4226 §5.3). `secret` is base32 text or the raw key bytes. */
export function totpAtStep(secret: string | Uint8Array, counter: number, digits = 6): string {
  const key = typeof secret === "string" ? base32Decode(secret) : Buffer.from(secret);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(msg).digest();
  // Dynamic truncation: low nibble of the last byte picks 4 bytes; drop their top bit.
  const offset = mac.readUInt8(mac.length - 1) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** Time step (counter) containing `timeMs`. */
export function stepAt(timeMs = Date.now(), step = 30): number {
  return Math.floor(timeMs / 1000 / step);
}

/** The code an authenticator app would show at `timeMs`. */
export function totp(secretBase32: string, timeMs = Date.now(), step = 30, digits = 6): string {
  return totpAtStep(secretBase32, stepAt(timeMs, step), digits);
}

/** Milliseconds until the next time step begins (to wait out a used code when testing replays). */
export function msUntilNextStep(timeMs = Date.now(), step = 30): number {
  return (stepAt(timeMs, step) + 1) * step * 1000 - timeMs;
}
