import "server-only";
import type { BudgetStatus } from "@/lib/security/rate-limit-policy";
import {
  consumePasswordReset,
  findPasswordReset,
  markPasswordResetSecondFactor,
  replacePasswordResetToken,
} from "@/db/queries/password-reset";
import { deleteAllUserSessions } from "@/db/queries/sessions";
import { findUserByEmail } from "@/db/queries/users";
import { hashPassword } from "@/lib/auth/password";
import { checkNewPassword, type PasswordWeakness } from "@/lib/auth/password-policy";
import { RESET_TOKEN_TTL_MINUTES } from "@/lib/auth/password-reset-policy";
import { clearPasswordFailures } from "@/lib/auth/password-sign-in";
import { checkSecondFactor, type SecondFactorRefusal } from "@/lib/auth/flow";
import { getConfig } from "@/lib/config";
import { sha256Hex } from "@/lib/crypto/hash";
import { randomToken } from "@/lib/crypto/random";
import { enqueueMail, kickMailDelivery } from "@/lib/mail/queue";
import { renderPasswordResetMail } from "@/lib/mail/templates";
import { availableAal, enrolledMethods } from "@/lib/mfa";
import type { SecondFactorMethodId, VerifyOutcome } from "@/lib/mfa/types";
import { recordSecurityEvent, recordSecurityEventLater } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import {
  reachedAlert,
  secondFactorBudgetStatus,
  secondFactorSucceeded,
  spendPasswordResetRequest,
  spendSecondFactorAttempt,
} from "@/lib/security/rate-limit";

/**
 * Forgot password → mailed link → (second factor) → new password. Rules (docs/security.md,
 * "Password reset"): the token is 256 bits from the CSPRNG, stored only as its SHA-256, lives 30
 * minutes, is replaced by a newer one for the same account, dies when the password changes by
 * other means (the row holds a fingerprint of the password hash it was issued against), and is
 * spent by one conditional DELETE … RETURNING, so of concurrent uses exactly one wins. A reset
 * never signs anyone in, never removes a factor, and asks for the account's second factor first,
 * from the same budget as sign-in: the mailbox alone is one factor, like the password.
 */
export const RESET_TOKEN_TTL_SECONDS = RESET_TOKEN_TTL_MINUTES * 60;

/** Same shape as randomToken(): 32 bytes, base64url. Anything else is refused before any lookup. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedResetToken(token: unknown): token is string {
  return typeof token === "string" && TOKEN_PATTERN.test(token);
}

export function hashResetToken(token: string): string {
  return sha256Hex(token);
}

/** What the row keeps of the password hash it was issued against (never the hash itself). */
export function passwordFingerprint(passwordHash: string): string {
  return sha256Hex(`twofold/password-reset/v1\0${passwordHash}`);
}

function resetLink(token: string): string {
  const url = new URL("/reset-password", getConfig().origin);
  url.searchParams.set("token", token);
  return url.href;
}

/** Stores a fresh link for the account (replacing any older one) and queues its mail. */
export async function issuePasswordReset(
  user: { id: string; email: string; passwordHash: string },
  options: { byOperator?: boolean } = {},
  now = new Date(),
): Promise<void> {
  const token = randomToken(32);
  await replacePasswordResetToken({
    tokenHash: hashResetToken(token),
    userId: user.id,
    passwordFingerprint: passwordFingerprint(user.passwordHash),
    createdAt: now,
    expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000),
    secondFactorMethod: null,
    secondFactorAt: null,
  });
  const mail = renderPasswordResetMail({
    appName: getConfig().APP_NAME,
    link: resetLink(token),
    validMinutes: RESET_TOKEN_TTL_MINUTES,
    byOperator: options.byOperator ?? false,
  });
  await enqueueMail({ userId: user.id, kind: "password_reset_link", to: user.email, ...mail }, now);
  // Delivery runs after the response, never inline: its time would tell known addresses apart.
  kickMailDelivery();
}

export type ResetRequestResult = { ok: true } | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * "Forgot password": the same answer, at about the same cost, whether or not the address has an
 * account. An unknown address does the same work but the writes (token, rendered mail), and
 * nothing of a known one is logged before the response is sent.
 */
export async function requestPasswordReset(email: string, client: ClientContext, now = new Date()): Promise<ResetRequestResult> {
  const limit = await spendPasswordResetRequest(email, client, now);
  if (!limit.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: limit.reason === "throttled" ? limit.retryAfterSeconds : 3600 };
  const user = await findUserByEmail(email);
  if (user) {
    await issuePasswordReset(user, {}, now);
    recordSecurityEventLater(user.id, "password.reset_requested", client);
  } else {
    // Equivalent work: a token, its hash and the rendered mail, then nothing is kept.
    const token = randomToken(32);
    passwordFingerprint(hashResetToken(token));
    renderPasswordResetMail({ appName: getConfig().APP_NAME, link: resetLink(token), validMinutes: RESET_TOKEN_TTL_MINUTES, byOperator: false });
  }
  return { ok: true };
}

export interface OpenReset {
  tokenHash: string;
  userId: string;
  email: string;
  passwordHash: string;
  fingerprint: string;
  /** The account has a second factor it must pass before choosing a password. */
  secondFactorRequired: boolean;
  secondFactorPassed: boolean;
  /** What the account can pass it with (empty when it needs none). */
  methods: SecondFactorMethodId[];
  expiresAt: Date;
}

/**
 * A live reset for this token, or null (unknown, expired, used, replaced by a newer link, or the
 * password changed since it was issued: all one answer). Does not spend it.
 */
export async function openPasswordReset(token: unknown, now = new Date()): Promise<OpenReset | null> {
  if (!isWellFormedResetToken(token)) return null;
  const tokenHash = hashResetToken(token);
  const found = await findPasswordReset(tokenHash, now);
  if (!found) return null;
  const fingerprint = passwordFingerprint(found.user.passwordHash);
  if (fingerprint !== found.reset.passwordFingerprint) return null;
  const secondFactorRequired = (await availableAal(found.user.id)) === "aal2";
  return {
    tokenHash,
    userId: found.user.id,
    email: found.user.email,
    passwordHash: found.user.passwordHash,
    fingerprint,
    secondFactorRequired,
    secondFactorPassed: found.reset.secondFactorAt !== null,
    methods: secondFactorRequired ? await enrolledMethods(found.user.id) : [],
    expiresAt: found.reset.expiresAt,
  };
}

/** Where the reset's second step stands (paused, near a pause): sign-in's shared budget. */
export function resetSecondFactorStatus(reset: OpenReset, client: ClientContext): Promise<BudgetStatus> {
  return secondFactorBudgetStatus(reset.userId, client, "sign_in");
}

export type ResetStepResult = { ok: true } | ({ ok: false } & SecondFactorRefusal) | { ok: false; reason: "expired" };

/**
 * The reset's second factor, with sign-in's rules (checkSecondFactor in lib/auth/flow.ts): the
 * same shared per-account and per-address budget, spent before verifying, with the mail at 10 and
 * the stop at 100. The pass is recorded on the reset row, never in the browser.
 */
export async function attemptResetSecondFactor(
  reset: OpenReset,
  method: SecondFactorMethodId,
  client: ClientContext,
  verify: () => Promise<VerifyOutcome>,
): Promise<ResetStepResult> {
  const checked = await checkSecondFactor(reset.userId, method, client, verify, { during: "password_reset" });
  if (!checked.ok) return checked;
  if (!(await markPasswordResetSecondFactor(reset.tokenHash, method, new Date()))) return { ok: false, reason: "expired" };
  await recordSecurityEvent(reset.userId, "second_factor.succeeded", client, checked.detail);
  return { ok: true };
}

export type CompleteResetResult =
  | { ok: true }
  | { ok: false; field: "password"; weakness: PasswordWeakness }
  | { ok: false; reason: "expired" | "second_factor_due" };

/**
 * Sets the new password (sign-up's policy, argon2id), spends the link, ends every session of the
 * account, clears the password failure count (the self-service way out of the stop at 100), and
 * logs and mails the change. Factors and their counters are left as they are.
 */
export async function completePasswordReset(reset: OpenReset, password: string, client: ClientContext): Promise<CompleteResetResult> {
  if (reset.secondFactorRequired && !reset.secondFactorPassed) return { ok: false, reason: "second_factor_due" };
  const weakness = checkNewPassword(password, reset.email);
  if (weakness) return { ok: false, field: "password", weakness };
  const newPasswordHash = await hashPassword(password);
  const taken = await consumePasswordReset({
    tokenHash: reset.tokenHash,
    passwordFingerprint: reset.fingerprint,
    oldPasswordHash: reset.passwordHash,
    newPasswordHash,
    secondFactorRequired: reset.secondFactorRequired,
    now: new Date(),
  });
  if (!taken) return { ok: false, reason: "expired" };
  const sessions = await deleteAllUserSessions(reset.userId);
  await clearPasswordFailures(reset.email);
  await recordSecurityEvent(reset.userId, "password.reset", client, {
    second_factor: taken.secondFactorMethod ?? "none",
    sessions_ended: sessions,
  });
  return { ok: true };
}
