import "server-only";
import argon2 from "argon2";
import { availableParallelism } from "node:os";
import { updatePasswordHashIfUnchanged } from "@/db/queries/users";
import { getConfig } from "@/lib/config";
import { Semaphore } from "@/lib/auth/concurrency";
import { normalisePassword } from "@/lib/auth/password-policy";

/**
 * argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1).
 * Hashes are PHC strings, so stronger parameters later apply to new hashes while old ones verify.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Requests allowed to wait for a hashing slot before we answer "busy" rather than queue forever. */
const MAX_WAITING_HASHES = 256;

let semaphore: Semaphore | undefined;

function hashingSlots(): Semaphore {
  // Default: one core fewer than the machine has, so requests that don't hash keep a core.
  const limit = getConfig().PASSWORD_HASH_CONCURRENCY ?? Math.max(1, availableParallelism() - 1);
  semaphore ??= new Semaphore(limit, MAX_WAITING_HASHES);
  return semaphore;
}

export async function hashPassword(password: string): Promise<string> {
  return hashingSlots().run(() => argon2.hash(normalisePassword(password), ARGON2_OPTIONS));
}

async function matches(hash: string, candidate: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, candidate);
  } catch {
    return false;
  }
}

/**
 * Which form of the typed password the hash was made from: the normalised one (every hash since
 * normalisation), the raw one (a hash made before, from a non-normalised password), or neither.
 * The raw form is only tried when it differs, so an ASCII password never costs two hashes.
 */
async function matchingForm(hash: string, password: string): Promise<"normalised" | "raw" | null> {
  const normalised = normalisePassword(password);
  if (await matches(hash, normalised)) return "normalised";
  if (normalised !== password && (await matches(hash, password))) return "raw";
  return null;
}

/** Checks a password against a hash, in either form; for callers that store nothing. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashingSlots().run(async () => (await matchingForm(hash, password)) !== null);
}

/**
 * The sign-in check. A hash made from a raw, non-normalised password (before normalisation) still
 * verifies, and is then replaced by the hash of the normalised form, so the account also accepts
 * the other ways of typing it from now on. The replacement is a compare-and-set on the old hash: a
 * password change that lands meanwhile wins. Everything runs in one hashing slot, so an admitted
 * sign-in never queues twice.
 */
export async function verifyUserPassword(user: { id: string; passwordHash: string }, password: string): Promise<boolean> {
  // No password to check: spend a real check's time, so timing doesn't tell which accounts have none.
  if (!hasPassword(user)) return verifyAgainstDummy(password);
  return hashingSlots().run(async () => {
    const form = await matchingForm(user.passwordHash, password);
    if (form === "raw") {
      try {
        const upgraded = await argon2.hash(normalisePassword(password), ARGON2_OPTIONS);
        await updatePasswordHashIfUnchanged(user.id, user.passwordHash, upgraded);
      } catch (error) {
        // The person proved their password: a failed upgrade must not refuse them. The next
        // sign-in tries again.
        console.error("password hash upgrade failed", error);
      }
    }
    return form !== null;
  });
}

/**
 * The password hash of an account made through the OpenID Connect provider, which has no password
 * until its owner sets one. Not a PHC string, so no typed password ever matches it. A marker
 * rather than NULL: SQLite can only drop the column's NOT NULL by rebuilding `users`, and inside
 * the migrator's transaction that rebuild would cascade-delete every row that references it.
 */
export const NO_PASSWORD_HASH = "!no-password";

export function hasPassword(user: { passwordHash: string }): boolean {
  return user.passwordHash !== NO_PASSWORD_HASH;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check when the account doesn't exist, so response time doesn't
 * tell an attacker which emails have accounts: a non-normalised password costs two hashes here
 * too, as it does against a real account it doesn't match.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= argon2.hash("twofold-dummy-password", ARGON2_OPTIONS);
  await verifyPassword(await dummyHash, password);
  return false;
}
