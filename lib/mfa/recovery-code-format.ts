import "server-only";
import { randomBytes } from "node:crypto";

/**
 * What a recovery code looks like: 16 characters from a 31-character alphabet without look-alikes
 * (no 0/o, 1/l/i), shown in four even groups as `xxxx-xxxx-xxxx-xxxx` (a lone last character read
 * as cut off). 16 · log2(31) ≈ 79.3 bits per code, so the second-factor budget
 * (lib/security/rate-limit.ts, ~35 guesses a day) leaves a guesser with a chance of about
 * 10 codes · 35 / 2^79 per day. Typed input forgives case, spaces and dashes.
 */
export const RECOVERY_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
export const RECOVERY_CODE_LENGTH = 16;
/**
 * Codes issued before the even groups had 13 characters (`xxxx-xxxx-xxxx-x`, ≈ 64.4 bits). Sets
 * already saved keep working: their hashes are over the 13-character form, which input still takes.
 */
export const LEGACY_RECOVERY_CODE_LENGTH = 13;
export const RECOVERY_CODES_PER_SET = 10;
const GROUP_SIZE = 4;

export const RECOVERY_CODE_ENTROPY_BITS = RECOVERY_CODE_LENGTH * Math.log2(RECOVERY_CODE_ALPHABET.length);

// Rejection sampling: a byte is used only below the largest multiple of 31 (248), so every
// character is exactly equally likely; `byte % 31` on all 256 values would favour the first 8.
const UNBIASED_BYTE_LIMIT = 256 - (256 % RECOVERY_CODE_ALPHABET.length);

/** One code from the CSPRNG, normalised (no separators). */
export function generateRecoveryCode(random: (size: number) => Buffer = randomBytes): string {
  let code = "";
  while (code.length < RECOVERY_CODE_LENGTH) {
    for (const byte of random(RECOVERY_CODE_LENGTH * 2)) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      code += RECOVERY_CODE_ALPHABET[byte % RECOVERY_CODE_ALPHABET.length];
      if (code.length === RECOVERY_CODE_LENGTH) break;
    }
  }
  return code;
}

/** A fresh set; a repeat within the set (odds ~2^-60) is drawn again so every number is distinct. */
export function generateRecoveryCodes(count = RECOVERY_CODES_PER_SET): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateRecoveryCode());
  return [...codes];
}

/** `abcd-efgh-jkmn-pqrs`: groups of four are easier to read aloud and copy by hand. */
export function formatRecoveryCode(code: string): string {
  return code.match(new RegExp(`.{1,${GROUP_SIZE}}`, "g"))?.join("-") ?? code;
}

// Spaces, dashes of every kind (a word processor may have turned "-" into "–"), dots, underscores.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212._]/g;
const VALID = new RegExp(`^(?:[${RECOVERY_CODE_ALPHABET}]{${RECOVERY_CODE_LENGTH}}|[${RECOVERY_CODE_ALPHABET}]{${LEGACY_RECOVERY_CODE_LENGTH}})$`);

/**
 * The canonical form the HMAC is computed over, or null when the input can't be a code (so a typo
 * costs no database lookup; it still costs a rate-limit attempt, spent before verification).
 */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.normalize("NFKC").replace(SEPARATORS, "").toLowerCase();
  return VALID.test(code) ? code : null;
}
