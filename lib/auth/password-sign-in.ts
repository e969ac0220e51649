import "server-only";
import { findUserByEmail } from "@/db/queries/users";
import { BusyError } from "@/lib/auth/concurrency";
import { signInSchema } from "@/lib/auth/credentials";
import { verifyAgainstDummy, verifyUserPassword } from "@/lib/auth/password";
import { recordSecurityEventLater } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import type { BudgetStatus } from "@/lib/security/rate-limit-policy";
import {
  passwordBudgetStatus,
  passwordSucceeded,
  reauthFirstFactorBudgetStatus,
  reachedAlert,
  reauthFirstFactorSucceeded,
  resetAttempts,
  spendPasswordAttempt,
  spendReauthFirstFactorAttempt,
} from "@/lib/security/rate-limit";

export type PasswordCheck =
  | { ok: true; user: { id: string; email: string } }
  /** "locked": 100 consecutive failures; password sign-in waits for the owner's way out. */
  | { ok: false; reason: "busy" | "locked" }
  /**
   * A wrong email or password, with where the budget stands after it (the form warns before a
   * pause). Read from the typed email's counter whether or not it has an account: the same answer.
   */
  | { ok: false; reason: "invalid"; budget?: BudgetStatus }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Whose attempts a password check spends: a sign-in, the client address's and the typed email's;
 * a signed-in user's re-authentication, the account's alone (lib/security/rate-limit.ts).
 */
export type PasswordBudget = "sign_in" | "reauth";

/**
 * The password step: throttle, look up, verify. Wrong email and wrong password are one answer
 * with one cost (a dummy hash runs for unknown emails), so the form can't be used to find accounts.
 * A refused attempt is logged after the response is sent, so a throttled attempt on a real account
 * takes as long as one on an unknown email.
 */
export async function checkPassword(input: unknown, client: ClientContext, budget: PasswordBudget = "sign_in"): Promise<PasswordCheck> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;

  const limit = budget === "reauth" ? await spendReauthFirstFactorAttempt(email) : await spendPasswordAttempt(email, client);
  const user = await findUserByEmail(email);
  if (!limit.allowed) {
    if (user) recordSecurityEventLater(user.id, limit.reason === "capped" ? "signin.locked" : "signin.throttled", client);
    return limit.reason === "capped" ? { ok: false, reason: "locked" } : { ok: false, reason: "throttled", retryAfterSeconds: limit.retryAfterSeconds };
  }

  let valid: boolean;
  try {
    valid = user ? await verifyUserPassword(user, password) : await verifyAgainstDummy(password);
  } catch (error) {
    if (error instanceof BusyError) return { ok: false, reason: "busy" };
    throw error;
  }
  if (!user || !valid) {
    if (user) {
      recordSecurityEventLater(user.id, "signin.failed", client, { method: "password" });
      // Exactly one request sees the alert count (the counter is updated atomically).
      if (reachedAlert("signInAccount", limit)) recordSecurityEventLater(user.id, "signin.failures_alert", client);
    }
    // Read the same way for every typed email, known or not (one more query either way).
    const status = budget === "reauth" ? await reauthFirstFactorBudgetStatus(email) : await passwordBudgetStatus(email, client);
    return { ok: false, reason: "invalid", budget: status };
  }
  await (budget === "reauth" ? reauthFirstFactorSucceeded(email) : passwordSucceeded(email, client));
  return { ok: true, user: { id: user.id, email: user.email } };
}

/** Another proof of the account (a passkey sign-in) ends a run of password failures. */
export async function clearPasswordFailures(email: string): Promise<void> {
  await resetAttempts("signInAccount", email);
}
