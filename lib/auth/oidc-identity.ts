import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { findLinkedIdentity, insertLinkedIdentity, insertUserWithIdentity, touchLinkedIdentity } from "@/db/queries/linked-identities";
import { findUserByEmail } from "@/db/queries/users";
import { emailSchema } from "@/lib/auth/credentials";
import { completeFirstFactor } from "@/lib/auth/first-factor";
import { getAccess } from "@/lib/auth/guards";
import { NO_PASSWORD_HASH } from "@/lib/auth/password";
import { refreshUrl, safeReturnTo, secondFactorUrl } from "@/lib/auth/return-to";
import { sessionCookieOptions } from "@/lib/auth/session";
import type { OidcFailure } from "@/lib/auth/oidc-errors";
import { getConfig } from "@/lib/config";
import { randomId } from "@/lib/crypto/random";
import { logUnattributedEvent, recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext, type ClientContext } from "@/lib/security/client";

/**
 * What a verified provider identity does here: sign in to the account it is linked to, create an
 * account, re-authenticate the signed-in one, or be linked to it. Identities are (issuer, subject)
 * and nothing else: an email match never links one (docs/security.md, "No automatic linking").
 */

/** The ID token's claims, as Auth.js checked them (signature, iss, aud, exp, nonce). */
export interface ProviderClaims {
  iss?: unknown;
  sub?: unknown;
  email?: unknown;
  email_verified?: unknown;
  auth_time?: unknown;
  [claim: string]: unknown;
}

/** Why a provider round trip ended without doing what was asked (the words: login/messages.ts). */
export type OidcRefusal =
  | OidcFailure
  /** The provider said nothing of the address, or an address we can't use. */
  | "no_email"
  /** The provider has not verified the address: no account is made from it. */
  | "unverified_email"
  /** An account has this address and the identity isn't linked to it: sign in, then link. */
  | "link_required"
  /** (link) The identity is another account's. */
  | "linked_elsewhere"
  /** (re-authentication) Not an identity of the signed-in account. */
  | "other_identity"
  /** (re-authentication) The provider did not sign the user in again just now. */
  | "not_fresh";

export const OIDC_MODES = ["sign_in", "reauth", "link"] as const;
export type OidcMode = (typeof OIDC_MODES)[number];

/**
 * How recent the provider's auth_time must be for a re-authentication: it was asked for
 * max_age=0 and prompt=login, so the user signed in there moments before; the margin is for
 * clocks and the time to type.
 */
const REAUTH_AUTH_TIME_SKEW_SECONDS = 60;

// ─── The intent: what the flow was started for, carried across the provider round trip ───────────

const INTENT_MAX_AGE_SECONDS = 10 * 60;

const intentSchema = z.object({
  mode: z.enum(OIDC_MODES),
  returnTo: z.string().max(2048),
  startedAt: z.number().int(),
  /** The signed-in account that started a re-authentication or a link. */
  userId: z.string().max(64).optional(),
});
type Intent = z.infer<typeof intentSchema>;

function intentCookieName(): string {
  return getConfig().secureCookies ? "__Host-twofold.oidc" : "twofold.oidc";
}

/**
 * HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which Lax lets through).
 * It says only what this browser asked for; every outcome still checks the session it has, so a
 * forged intent gains nothing (a link needs a privileged session, a re-authentication this account).
 */
export async function saveOidcIntent(intent: Intent): Promise<void> {
  (await cookies()).set(intentCookieName(), JSON.stringify(intent), { ...sessionCookieOptions(), maxAge: INTENT_MAX_AGE_SECONDS });
}

/** Reads and clears the intent: one provider answer per flow started. */
export async function takeOidcIntent(): Promise<Intent | undefined> {
  const jar = await cookies();
  const raw = jar.get(intentCookieName())?.value;
  if (raw === undefined) return undefined;
  jar.delete(intentCookieName());
  try {
    const parsed = intentSchema.safeParse(JSON.parse(raw));
    if (!parsed.success || Date.now() - parsed.data.startedAt > INTENT_MAX_AGE_SECONDS * 1000) return undefined;
    return { ...parsed.data, returnTo: safeReturnTo(parsed.data.returnTo) };
  } catch {
    return undefined;
  }
}

// ─── Where a refusal goes ─────────────────────────────────────────────────────────────────────────

/** A link that didn't happen, worded by the settings page (app/settings/security/notices.ts). */
const LINK_NOTICES = {
  linked_elsewhere: "?notice=identity-linked-elsewhere",
  denied: "?notice=identity-link-denied",
  unavailable: "?notice=identity-link-unavailable",
} as const;

/** The page that words a refusal: settings for a link, the re-authentication page, or /login. */
export function refusalUrl(reason: OidcRefusal, intent: Pick<Intent, "mode" | "returnTo"> | undefined): string {
  if (intent?.mode === "link") return `/settings/security${LINK_NOTICES[reason as keyof typeof LINK_NOTICES] ?? "?notice=identity-link-failed"}#identities`;
  const query = new URLSearchParams({ error: `oidc_${reason}` });
  if (intent?.mode === "reauth") {
    const url = new URL(refreshUrl(intent.returnTo), "http://x");
    url.searchParams.set("error", `oidc_${reason}`);
    return `${url.pathname}${url.search}`;
  }
  if (intent && intent.returnTo !== "/") query.set("return_to", intent.returnTo);
  return `/login?${query}`;
}

/**
 * A refusal is logged: against the signed-in account for a link or re-authentication (its owner
 * sees it in the security log), else in the server log, as there is no account to log it to.
 */
export async function recordOidcRefusal(reason: OidcRefusal, intent: Intent | undefined, client: ClientContext): Promise<void> {
  if (intent?.userId) await recordSecurityEvent(intent.userId, "oidc.failed", client, { reason, mode: intent.mode });
  else logUnattributedEvent("oidc.failed", client, { reason, mode: intent?.mode ?? "unknown" });
}

// ─── The callback ─────────────────────────────────────────────────────────────────────────────────

/** Auth.js's signIn callback: always answers with the URL to go to (see lib/auth/oidc.ts). */
export async function finishProviderSignIn(claims: ProviderClaims): Promise<string> {
  const intent = await takeOidcIntent();
  const client = await getClientContext();
  const outcome = await decide(claims, intent, client);
  if (typeof outcome === "string") {
    await recordOidcRefusal(outcome, intent, client);
    return refusalUrl(outcome, intent);
  }
  return outcome.url;
}

async function decide(claims: ProviderClaims, intent: Intent | undefined, client: ClientContext): Promise<OidcRefusal | { url: string }> {
  // No intent: a callback this browser didn't start here (or one replayed after it finished).
  if (!intent) return "state";
  const issuer = typeof claims.iss === "string" ? claims.iss : undefined;
  const subject = typeof claims.sub === "string" && claims.sub.length > 0 && claims.sub.length <= 255 ? claims.sub : undefined;
  if (!issuer || !subject) return "failed";
  const linked = await findLinkedIdentity(issuer, subject);

  if (intent.mode === "reauth") return reauthenticate(linked, claims, intent, client);
  if (intent.mode === "link") return link(linked, { issuer, subject, email: providerEmail(claims) }, intent, client);

  if (linked) {
    await touchLinkedIdentity(linked.id, new Date());
    return signIn(linked.userId, intent, client);
  }
  const email = providerEmail(claims);
  if (!email) return "no_email";
  // Only the provider's own word that the address is its user's makes an account from it.
  if (claims.email_verified !== true) return "unverified_email";
  const existing = await findUserByEmail(email);
  if (existing) {
    // Never linked by address: whoever controls the provider account (or registered this address
    // there first) would otherwise walk into the account. The owner links it after a full sign-in.
    await recordSecurityEvent(existing.id, "oidc.link_refused", client, { issuer });
    return "link_required";
  }
  const userId = await createAccountFromIdentity({ email, issuer, subject });
  if (!userId) return "link_required";
  await recordSecurityEvent(userId, "account.created", client, { method: "oidc" });
  return signIn(userId, intent, client);
}

async function signIn(userId: string, intent: Intent, client: ClientContext): Promise<OidcRefusal | { url: string }> {
  const result = await completeFirstFactor(userId, { method: "oidc" }, "sign_in", client);
  if (result.kind === "raced") return "failed";
  return { url: result.kind === "second_factor_due" ? secondFactorUrl(intent.returnTo) : intent.returnTo };
}

async function reauthenticate(
  linked: Awaited<ReturnType<typeof findLinkedIdentity>>,
  claims: ProviderClaims,
  intent: Intent,
  client: ClientContext,
): Promise<OidcRefusal | { url: string }> {
  const access = await getAccess();
  if (access.kind !== "signed_in" || access.session.userId !== intent.userId) return "state";
  if (!linked || linked.userId !== access.session.userId) return "other_identity";
  // max_age=0 asked the provider to sign the user in again: its auth_time must say it did.
  const authTime = typeof claims.auth_time === "number" ? claims.auth_time * 1000 : undefined;
  if (authTime === undefined || authTime < intent.startedAt - REAUTH_AUTH_TIME_SKEW_SECONDS * 1000) return "not_fresh";
  await touchLinkedIdentity(linked.id, new Date());
  const result = await completeFirstFactor(access.session.userId, { method: "oidc" }, "reauth", client);
  if (result.kind === "raced") return "failed";
  return { url: result.kind === "second_factor_due" ? secondFactorUrl(intent.returnTo) : intent.returnTo };
}

async function link(
  linked: Awaited<ReturnType<typeof findLinkedIdentity>>,
  identity: { issuer: string; subject: string; email: string | undefined },
  intent: Intent,
  client: ClientContext,
): Promise<OidcRefusal | { url: string }> {
  const access = await getAccess();
  // A link adds a way in: only the privileged session that asked for it may add one.
  if (access.kind !== "signed_in" || !access.privileged || access.session.userId !== intent.userId) return "state";
  const userId = access.session.userId;
  if (linked) return linked.userId === userId ? { url: "/settings/security?notice=identity-already-linked#identities" } : "linked_elsewhere";
  const now = new Date();
  const inserted = await insertLinkedIdentity({
    id: randomId(),
    userId,
    provider: "oidc",
    issuer: identity.issuer,
    subject: identity.subject,
    email: identity.email ?? null,
    createdAt: now,
    lastUsedAt: null,
  });
  if (!inserted) return "linked_elsewhere";
  await recordSecurityEvent(userId, "oidc.linked", client, { provider_email: identity.email ?? null });
  return { url: "/settings/security?notice=identity-linked#identities" };
}

function providerEmail(claims: ProviderClaims): string | undefined {
  const parsed = emailSchema.safeParse(claims.email);
  return parsed.success ? parsed.data : undefined;
}

async function createAccountFromIdentity(input: { email: string; issuer: string; subject: string }): Promise<string | undefined> {
  const userId = randomId();
  const now = new Date();
  const created = await insertUserWithIdentity(
    { id: userId, email: input.email, passwordHash: NO_PASSWORD_HASH, createdAt: now, emailVerifiedAt: now },
    { id: randomId(), userId, provider: "oidc", issuer: input.issuer, subject: input.subject, email: input.email, createdAt: now, lastUsedAt: now },
  );
  return created ? userId : undefined;
}
