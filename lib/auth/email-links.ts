import "server-only";
import { deletePasswordResetTokens } from "@/db/queries/password-reset";
import { deleteEmailTokens, replaceEmailToken, spendEmailToken, type EmailTokenPurpose } from "@/db/queries/email-tokens";
import { changeUserEmail, markEmailVerified } from "@/db/queries/users";
import { getConfig } from "@/lib/config";
import { sha256Hex } from "@/lib/crypto/hash";
import { randomToken } from "@/lib/crypto/random";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * Mailed email links, `/verify-email?token=…`, for both purposes: "verify" proves the account's
 * address, "change" moves the account to a new one (docs/security.md, "Email"). The token is 256
 * bits from the CSPRNG; only its SHA-256 is stored; one live link per account and purpose (a newer
 * one replaces the older); spent by one conditional DELETE … RETURNING, so of concurrent uses
 * exactly one wins.
 *
 * Lifetimes: a verification link lives 24 hours (it only proves what the account already says).
 * A change link lives 1 hour: it moves where password reset links go, it is asked for by someone
 * at the keyboard right then, and the old address is told and can cancel meanwhile.
 */
export const EMAIL_LINK_TTL_SECONDS: Record<EmailTokenPurpose, number> = {
  verify: 24 * 60 * 60,
  change: 60 * 60,
};

/** Same shape as randomToken(): 32 bytes, base64url. Anything else is refused before any lookup. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedEmailToken(token: unknown): token is string {
  return typeof token === "string" && TOKEN_PATTERN.test(token);
}

export function hashEmailToken(token: string): string {
  return sha256Hex(token);
}

function emailLinkUrl(token: string): string {
  const url = new URL("/verify-email", getConfig().origin);
  url.searchParams.set("token", token);
  return url.href;
}

/**
 * Stores a fresh link for the account and purpose (the previous one stops working) and returns its
 * URL, for the mail only: the token exists nowhere else.
 */
export async function issueEmailLink(userId: string, purpose: EmailTokenPurpose, email: string, now = new Date()): Promise<string> {
  const token = randomToken(32);
  await replaceEmailToken({
    tokenHash: hashEmailToken(token),
    userId,
    purpose,
    email,
    createdAt: now,
    expiresAt: new Date(now.getTime() + EMAIL_LINK_TTL_SECONDS[purpose] * 1000),
  });
  return emailLinkUrl(token);
}

export type EmailLinkResult =
  | { ok: true; outcome: "verified" | "changed"; email: string }
  /** Unknown, expired, used, replaced, or for an address the account no longer has: one answer. */
  | { ok: false; reason: "expired" }
  /** A change link whose address another account took meanwhile (only its mailbox got the link). */
  | { ok: false; reason: "taken" };

/**
 * Opens (and spends) a mailed link. Needs no session: the token is the proof. A change also ends
 * the account's other mailed links (a verification for the old address, a password reset sent to
 * it), is logged, and the old address is told (lib/security/notifications.ts).
 */
export async function openEmailLink(token: unknown, client: ClientContext, now = new Date()): Promise<EmailLinkResult> {
  if (!isWellFormedEmailToken(token)) return { ok: false, reason: "expired" };
  const link = await spendEmailToken(hashEmailToken(token), now);
  if (!link) return { ok: false, reason: "expired" };

  if (link.purpose === "verify") {
    if (!(await markEmailVerified(link.userId, link.email, now))) return { ok: false, reason: "expired" };
    await recordSecurityEvent(link.userId, "email.verified", client);
    return { ok: true, outcome: "verified", email: link.email };
  }

  const changed = await changeUserEmail(link.userId, link.email, now);
  if (!changed.changed) return changed.reason === "taken" ? { ok: false, reason: "taken" } : { ok: false, reason: "expired" };
  await Promise.all([deleteEmailTokens(link.userId, "verify"), deletePasswordResetTokens(link.userId)]);
  await recordSecurityEvent(link.userId, "email.changed", client, { previous_email: changed.previousEmail });
  return { ok: true, outcome: "changed", email: link.email };
}
