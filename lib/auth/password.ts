import "server-only";
import argon2 from "argon2";
import { availableParallelism } from "node:os";
import { getConfig } from "@/lib/config";
import { Semaphore } from "@/lib/auth/concurrency";

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
  return hashingSlots().run(() => argon2.hash(password, ARGON2_OPTIONS));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashingSlots().run(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check when the account doesn't exist, so response time doesn't
 * tell an attacker which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= argon2.hash("twofold-dummy-password", ARGON2_OPTIONS);
  await verifyPassword(await dummyHash, password);
  return false;
}
