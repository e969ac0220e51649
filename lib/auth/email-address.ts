import "server-only";
import { deleteEmailTokens, findLiveEmailToken } from "@/db/queries/email-tokens";
import { findUserByEmail, findUserById } from "@/db/queries/users";
import { EMAIL_LINK_TTL_SECONDS, issueEmailLink } from "@/lib/auth/email-links";
import { getConfig } from "@/lib/config";
import { enqueueMail, kickMailDelivery } from "@/lib/mail/queue";
import { renderEmailChangeMail, renderEmailTakenMail, renderEmailVerificationMail } from "@/lib/mail/templates";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";
import { spendEmailChangeRequest, spendVerificationResend, type AttemptsResult } from "@/lib/security/rate-limit";

/**
 * The account's email address: verifying it (a link at sign-up, "Resend verification email") and
 * moving to a new one (settings, privileged). The links themselves: lib/auth/email-links.ts.
 * An unverified account works as usual; the settings page says so until the link is opened.
 */
export interface EmailStatus {
  email: string;
  verified: boolean;
  /** A change waiting for its link to be opened. */
  pendingChange: { email: string; expiresAt: Date } | null;
}

export async function getEmailStatus(userId: string, now = new Date()): Promise<EmailStatus | null> {
  const [user, pending] = await Promise.all([findUserById(userId), findLiveEmailToken(userId, "change", now)]);
  if (!user) return null;
  return {
    email: user.email,
    verified: user.emailVerifiedAt !== null,
    pendingChange: pending ? { email: pending.email, expiresAt: pending.expiresAt } : null,
  };
}

const hoursOf = (seconds: number) => Math.round(seconds / 3600);
const minutesOf = (seconds: number) => Math.round(seconds / 60);

/** Mails a fresh verification link to the account's address (the previous link stops working). */
export async function sendVerificationEmail(user: { id: string; email: string }, now = new Date()): Promise<void> {
  const link = await issueEmailLink(user.id, "verify", user.email, now);
  const mail = renderEmailVerificationMail({ appName: getConfig().APP_NAME, link, validHours: hoursOf(EMAIL_LINK_TTL_SECONDS.verify) });
  await enqueueMail({ userId: user.id, kind: "email_verification_link", to: user.email, ...mail }, now);
  kickMailDelivery();
}

type Throttled = { ok: false; reason: "throttled"; retryAfterSeconds: number };

function throttled(limit: Exclude<AttemptsResult, { allowed: true }>): Throttled {
  return { ok: false, reason: "throttled", retryAfterSeconds: limit.reason === "throttled" ? limit.retryAfterSeconds : 3600 };
}

export type ResendResult = { ok: true } | { ok: false; reason: "already_verified" } | Throttled;

export async function resendVerificationEmail(userId: string, client: ClientContext, now = new Date()): Promise<ResendResult> {
  const user = await findUserById(userId);
  if (!user || user.emailVerifiedAt !== null) return { ok: false, reason: "already_verified" };
  const limit = await spendVerificationResend(userId, now);
  if (!limit.allowed) return throttled(limit);
  await sendVerificationEmail(user, now);
  await recordSecurityEvent(userId, "email.verification_resent", client);
  return { ok: true };
}

export type EmailChangeRequestResult = { ok: true } | { ok: false; reason: "same_address" } | Throttled;

/**
 * "Change email": nothing changes until the link mailed to the new address is opened. The old
 * address is told at once (the `email.change_requested` notification), so a hijacked session can't
 * move the account quietly.
 *
 * An address that already belongs to another account gets the same answer and the same pending
 * change on the settings page (it can be cancelled like any other), so the requester learns
 * nothing. Its mailbox gets a mail saying so, without a link: only whoever reads that mailbox (who
 * knows the account exists) learns why. Both paths render and queue one mail, at about the same
 * cost. The stored token of such a change is never sent anywhere, and if the address is taken
 * between request and link, the UNIQUE constraint refuses the change when the link is opened.
 */
export async function requestEmailChange(
  user: { id: string; email: string },
  newEmail: string,
  client: ClientContext,
  now = new Date(),
): Promise<EmailChangeRequestResult> {
  if (newEmail === user.email) return { ok: false, reason: "same_address" };
  const limit = await spendEmailChangeRequest(user.id, now);
  if (!limit.allowed) return throttled(limit);

  const config = getConfig();
  const link = await issueEmailLink(user.id, "change", newEmail, now);
  const taken = (await findUserByEmail(newEmail)) !== undefined;
  const mail = taken
    ? renderEmailTakenMail({ appName: config.APP_NAME, signInUrl: new URL("/login", config.origin).href })
    : renderEmailChangeMail({ appName: config.APP_NAME, link, validMinutes: minutesOf(EMAIL_LINK_TTL_SECONDS.change) });
  await enqueueMail({ userId: user.id, kind: "email_change_link", to: newEmail, ...mail }, now);
  kickMailDelivery();
  await recordSecurityEvent(user.id, "email.change_requested", client, { new_email: newEmail });
  return { ok: true };
}

/** Drops the pending change (its link stops working). False when there was none left. */
export async function cancelEmailChange(userId: string, client: ClientContext, now = new Date()): Promise<boolean> {
  const removed = await deleteEmailTokens(userId, "change", now);
  if (removed === 0) return false;
  await recordSecurityEvent(userId, "email.change_cancelled", client);
  return true;
}
