import "server-only";
import { findUserByEmail } from "@/db/queries/users";
import { BusyError } from "@/lib/auth/concurrency";
import { signInSchema } from "@/lib/auth/credentials";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import { resetAttempts, spendAttempts } from "@/lib/security/rate-limit";

export type PasswordCheck =
  | { ok: true; user: { id: string; email: string } }
  | { ok: false; reason: "invalid" | "busy" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * The password step: throttle, look up, verify. Wrong email and wrong password are one answer
 * with one cost (a dummy hash runs for unknown emails), so the form can't be used to find accounts.
 */
export async function checkPassword(input: unknown, client: ClientContext): Promise<PasswordCheck> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;

  const limit = await spendAttempts([
    ["signInIp", client.ip ?? "unknown"],
    // Keyed by the email typed, whether or not it has an account, so refusals reveal nothing.
    ["signInAccount", email],
  ]);
  const user = await findUserByEmail(email);
  if (!limit.allowed) {
    if (user) await recordSecurityEvent(user.id, "signin.throttled", client);
    return { ok: false, reason: "throttled", retryAfterSeconds: limit.retryAfterSeconds };
  }

  let valid: boolean;
  try {
    valid = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  } catch (error) {
    if (error instanceof BusyError) return { ok: false, reason: "busy" };
    throw error;
  }
  if (!user || !valid) {
    if (user) await recordSecurityEvent(user.id, "signin.failed", client, { method: "password" });
    return { ok: false, reason: "invalid" };
  }
  await resetAttempts("signInAccount", email);
  return { ok: true, user: { id: user.id, email: user.email } };
}
