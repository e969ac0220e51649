import "server-only";
import { findAccountRecovery } from "@/db/queries/account-recoveries";
import { countMailsByStatus } from "@/db/queries/mail-outbox";
import { deleteAllUserSessions } from "@/db/queries/sessions";
import { listActiveSessions } from "@/lib/auth/session";
import { findUserByEmail, listUsersWithoutSecondFactor, updatePasswordHashIfUnchanged, type UserRow } from "@/db/queries/users";
import { deleteAccount, type AccountDeletionReport } from "@/lib/auth/account-deletion";
import { hashPassword } from "@/lib/auth/password";
import { issuePasswordReset } from "@/lib/auth/password-reset";
import { randomToken } from "@/lib/crypto/random";
import { listWebAuthnCredentials } from "@/db/queries/webauthn";
import { computeAal, type AmrEntry } from "@/lib/auth/aal";
import { SECOND_FACTOR_METHODS, availableAal, enrolledMethods } from "@/lib/mfa";
import { getRecoveryCodesStatus } from "@/lib/mfa/recovery-codes";
import { listTotpApps } from "@/lib/mfa/totp";
import { secondFactorPolicyState } from "@/lib/auth/second-factor-policy-rule";
import { getConfig } from "@/lib/config";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import { OPERATOR_USER_AGENT, describeDevice } from "@/lib/security/device";
import { resetAttempts } from "@/lib/security/rate-limit";

/**
 * What an operator may do to an account (scripts/admin.ts). Every change is a security event
 * (so it is in the user's log and mails the user, through recordSecurityEvent) written with actor
 * "operator", a column no request can set, and no IP. Nothing here returns a secret: no token, hash or key.
 */
export const OPERATOR_CLIENT: ClientContext = { ip: null, userAgent: OPERATOR_USER_AGENT };

export function findUser(email: string): Promise<UserRow | undefined> {
  // Stored normalised (lib/auth/credentials.ts): trimmed and lower-case.
  return findUserByEmail(email.trim().toLowerCase());
}

export async function describeAccount(user: UserRow) {
  const [apps, keys, codes, sessions, aal, mails, recovery] = await Promise.all([
    listTotpApps(user.id),
    listWebAuthnCredentials(user.id),
    getRecoveryCodesStatus(user.id),
    listActiveSessions(user.id),
    availableAal(user.id),
    countMailsByStatus(user.id),
    findAccountRecovery(user.id, new Date()),
  ]);
  return {
    user: { id: user.id, email: user.email, email_verified: user.emailVerifiedAt !== null, created_at: user.createdAt.toISOString() },
    available_aal: aal,
    factors: {
      authenticator_apps: apps.map((app) => ({
        name: app.name,
        created_at: app.createdAt.toISOString(),
        last_used_at: app.lastUsedAt?.toISOString() ?? null,
      })),
      security_keys: keys.map((key) => ({
        name: key.name,
        passkey: key.isPasskey,
        created_at: key.createdAt.toISOString(),
        last_used_at: key.lastUsedAt?.toISOString() ?? null,
      })),
      recovery_codes: codes ? { remaining: codes.remaining, total: codes.total, created_at: codes.createdAt.toISOString() } : null,
    },
    sessions: sessions.map((s) => {
      const amr = JSON.parse(s.amr) as AmrEntry[];
      return {
        // The row id, not the cookie token (only its hash is stored anyway).
        id: s.id,
        device: describeDevice(s.userAgent),
        ip: s.ip,
        aal: computeAal(amr),
        methods: amr.map((entry) => entry.method),
        created_at: s.createdAt.toISOString(),
        last_seen_at: s.lastSeenAt.toISOString(),
        expires_at: s.expiresAt.toISOString(),
      };
    }),
    mails,
    // An account recovery under way (lib/auth/account-recovery.ts): asked for, or waiting until finishable_at.
    account_recovery: recovery
      ? {
          status: recovery.status,
          requested_at: recovery.createdAt.toISOString(),
          started_at: recovery.startedAt?.toISOString() ?? null,
          finishable_at: recovery.finishableAt?.toISOString() ?? null,
          expires_at: recovery.expiresAt.toISOString(),
        }
      : null,
  };
}

/**
 * The "delete credentials" case (a user who lost every second factor): removes TOTP, every
 * WebAuthn credential including passkeys, and recovery codes. Sessions are left alone; revoke them
 * separately when the account may be compromised.
 */
export async function resetSecondFactors(user: UserRow): Promise<{ removed: string[] }> {
  const removed = await enrolledMethods(user.id);
  for (const method of SECOND_FACTOR_METHODS) await method.removeAll(user.id);
  // Nothing is left to guess at: a second-factor lock after 100 failures ends with the factors.
  await resetAttempts("secondFactorAccount", user.id);
  await recordSecurityEvent(user.id, "admin.second_factors_reset", OPERATOR_CLIENT, { removed: removed.join(",") }, "operator");
  return { removed };
}

/**
 * `users without-2fa`: accounts with neither an authenticator app nor a security key or passkey,
 * and, while REQUIRE_SECOND_FACTOR is on, each one's deadline (null: the policy has not applied to
 * it yet, i.e. it hasn't signed in since the policy was switched on) and whether it has passed.
 */
export async function listAccountsWithoutSecondFactor(now = new Date()) {
  const config = getConfig();
  return (await listUsersWithoutSecondFactor()).map((user) => {
    const state = config.REQUIRE_SECOND_FACTOR && user.secondFactorRequiredSince
      ? secondFactorPolicyState({
          graceDays: config.REQUIRE_SECOND_FACTOR_GRACE_DAYS,
          requiredSince: user.secondFactorRequiredSince,
          hasSecondFactor: false,
          hasRecoveryCodes: false,
          now,
        })
      : null;
    return {
      email: user.email,
      id: user.id,
      created_at: user.createdAt.toISOString(),
      deadline: state ? state.deadline.toISOString() : null,
      overdue: state ? state.enforced : false,
    };
  });
}

export async function revokeAllSessions(user: UserRow): Promise<{ count: number }> {
  const count = await deleteAllUserSessions(user.id);
  await recordSecurityEvent(user.id, "admin.sessions_revoked", OPERATOR_CLIENT, { count }, "operator");
  return { count };
}

/**
 * Lifts the locks of 100 consecutive failures (password and second step) once the operator has
 * checked it is the owner asking. The factors stay; the counters start over.
 */
export async function unlockSignIn(user: UserRow): Promise<void> {
  await Promise.all([resetAttempts("signInAccount", user.email), resetAttempts("secondFactorAccount", user.id)]);
  await recordSecurityEvent(user.id, "admin.sign_in_unlocked", OPERATOR_CLIENT, {}, "operator");
}

/**
 * For an account whose password may be known to someone else: every session ends, the password
 * stops working, and the owner is mailed a reset link (which still asks for their second factor).
 * The hash is replaced by the argon2id hash of a random 256-bit secret nobody ever sees, so a
 * sign-in with the old password fails like any wrong password (same cost, same message) and says
 * nothing about the reset.
 */
export async function forcePasswordReset(user: UserRow): Promise<{ sessions: number }> {
  const unusable = await hashPassword(randomToken(32));
  if (!(await updatePasswordHashIfUnchanged(user.id, user.passwordHash, unusable))) {
    throw new Error("the password changed while this ran; run the command again");
  }
  const sessions = await deleteAllUserSessions(user.id);
  await issuePasswordReset({ ...user, passwordHash: unusable }, { byOperator: true });
  await recordSecurityEvent(user.id, "admin.password_reset_forced", OPERATOR_CLIENT, { sessions_ended: sessions }, "operator");
  return { sessions };
}

/**
 * Deletes the account and every row of it, as the owner's own deletion does (lib/auth/account-deletion.ts),
 * mailing the owner that an administrator did it. Its security log goes with it, so unlike the
 * commands above this one leaves no operator event in the log: what was removed is printed instead.
 * Throws when the account changed (or went) while this ran.
 */
export async function deleteUserAccountByOperator(user: UserRow): Promise<AccountDeletionReport> {
  const removed = await deleteAccount(user, { actor: "operator", client: OPERATOR_CLIENT });
  if (!removed) throw new Error("the account changed or was deleted while this ran; run `user show` to check");
  return removed;
}
