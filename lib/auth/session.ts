import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import {
  deleteSession,
  findSessionByTokenHash,
  insertSession,
  listUserSessions,
  touchSession,
  updateSessionAuth,
  type SessionRow,
} from "@/db/queries/sessions";
import { getConfig } from "@/lib/config";
import { randomId, randomToken } from "@/lib/crypto/random";
import { sha256Hex } from "@/lib/crypto/hash";
import { computeAal, secondFactorStepOpen, type Aal, type AmrEntry, type AuthMethod } from "@/lib/auth/aal";
import type { ClientContext } from "@/lib/security/client";
import { codesViewCookieName } from "@/lib/security/page-view";

/**
 * Server-side sessions. The cookie holds a random 256-bit token; the database holds only its
 * SHA-256, so a leaked database can't be replayed as cookies. Every request looks the row up, so a
 * revoked or expired session is dead on its very next request. The only module that touches the
 * session cookie.
 */
export interface Session {
  id: string;
  userId: string;
  email: string;
  /** The owner has opened a link mailed to `email` (lib/auth/email-links.ts). */
  emailVerified: boolean;
  amr: AmrEntry[];
  aal: Aal;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  /** The last complete authentication; null while a fresh sign-in waits for its second factor. */
  authenticatedAt: Date | null;
  secondFactorDueSince: Date | null;
  ip: string | null;
  userAgent: string | null;
  /** Hash of the token this request presented; used to detect a concurrent rotation. */
  tokenHash: string;
}

export function sessionCookieName(): string {
  // __Host- pins the cookie to this exact origin (no Domain, Path=/, Secure): only on https.
  return getConfig().secureCookies ? "__Host-twofold.session" : "twofold.session";
}

export function sessionCookieOptions() {
  const config = getConfig();
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: config.secureCookies,
    path: "/",
  };
}

function toSession(row: SessionRow, user: { email: string; emailVerifiedAt: Date | null }): Session {
  const amr = JSON.parse(row.amr) as AmrEntry[];
  return {
    id: row.id,
    userId: row.userId,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    amr,
    aal: computeAal(amr),
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    authenticatedAt: row.authenticatedAt,
    secondFactorDueSince: row.secondFactorDueSince,
    ip: row.ip,
    userAgent: row.userAgent,
    tokenHash: row.tokenHash,
  };
}

/** Don't write last_seen_at on every request: once a minute is precise enough for idle timeouts. */
const TOUCH_INTERVAL_MS = 60_000;

export async function validateSessionToken(token: string, now = new Date()): Promise<Session | null> {
  if (!token || token.length > 128) return null;
  const found = await findSessionByTokenHash(sha256Hex(token));
  if (!found) return null;
  const { session: row, user } = found;
  const config = getConfig();
  const idleDeadline = row.lastSeenAt.getTime() + config.SESSION_IDLE_TIMEOUT * 1000;
  if (row.expiresAt.getTime() <= now.getTime() || idleDeadline <= now.getTime() || halfSignInLapsed(row, now)) {
    await deleteSession(row.id);
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= Math.min(TOUCH_INTERVAL_MS, config.SESSION_IDLE_TIMEOUT * 100)) {
    await touchSession(row.id, now);
    row.lastSeenAt = now;
  }
  return toSession(row, user);
}

/**
 * A fresh sign-in that passed its first factor but not its second within the step's lifetime ends:
 * the password alone must not keep a session alive for guessing codes. (A re-authentication that
 * lapses keeps its earlier, complete authentication; it just can't finish this step.)
 */
function halfSignInLapsed(row: SessionRow, now: Date): boolean {
  return row.authenticatedAt === null && !secondFactorStepOpen(row.secondFactorDueSince, now);
}

/** Whether the browser presented a session cookie at all (valid or not). */
export async function hasSessionCookie(): Promise<boolean> {
  return (await cookies()).has(sessionCookieName());
}

/** The account's sessions that are still alive (the settings list, the operator's view). */
export async function listActiveSessions(userId: string, now = new Date()): Promise<SessionRow[]> {
  const idleCutoff = new Date(now.getTime() - getConfig().SESSION_IDLE_TIMEOUT * 1000);
  const rows = await listUserSessions(userId, now, idleCutoff);
  return rows.filter((row) => !halfSignInLapsed(row, now));
}

/** Reads the cookie afresh; use inside a flow that may have just changed it. */
export async function readSessionFromCookie(): Promise<Session | null> {
  const token = (await cookies()).get(sessionCookieName())?.value;
  return token ? validateSessionToken(token) : null;
}

/** The session of the current request, or null. Memoised per request (pages and layouts). */
export const getCurrentSession = cache(readSessionFromCookie);

export interface NewSession {
  userId: string;
  method: AuthMethod;
  multiFactor?: boolean;
  /** False when the account has a second factor still to be completed. */
  complete: boolean;
  client: ClientContext;
}

/** Creates the row and returns the token for the cookie (the caller, Auth.js or us, sets it). */
export async function createSession(input: NewSession, now = new Date()): Promise<string> {
  const token = randomToken();
  const config = getConfig();
  const amr: AmrEntry[] = [
    { method: input.method, completed_at: now.toISOString(), ...(input.multiFactor ? { multi_factor: true as const } : {}) },
  ];
  await insertSession({
    id: randomId(),
    userId: input.userId,
    tokenHash: sha256Hex(token),
    createdAt: now,
    lastSeenAt: now,
    // The absolute lifetime runs from creation and is never renewed (re-authentication included).
    expiresAt: new Date(now.getTime() + config.SESSION_MAX_AGE * 1000),
    authenticatedAt: input.complete ? now : null,
    secondFactorDueSince: input.complete ? null : now,
    amr: JSON.stringify(amr),
    ip: input.client.ip,
    userAgent: input.client.userAgent,
  });
  return token;
}

export interface CompletedStep {
  method: AuthMethod;
  multiFactor?: boolean;
  /**
   * What the step means for the session:
   * - "complete": it finishes a full authentication (every factor the account has): the
   *   privileged window restarts.
   * - "first_factor": a first factor of an account whose second factor is still to come.
   * - "enrolment": a factor was just set up and proved itself (a TOTP code, a new key's answer). It
   *   is appended to the AMR, so the session keeps the account's new level, but it is NOT an
   *   authentication: the privileged window and the session's lifetime stay as they were, or a
   *   stolen privileged cookie could keep itself privileged by enrolling factors.
   */
  effect: "complete" | "first_factor" | "enrolment";
}

/**
 * Appends a completed method to the AMR and rotates the token (the old cookie stops working),
 * then sets the new cookie. Returns the new token, or null if another request rotated it first.
 * No step extends the session's absolute lifetime (expires_at, fixed at creation).
 */
export async function recordAuthenticationStep(session: Session, step: CompletedStep, now = new Date()): Promise<string | null> {
  const token = randomToken();
  const amr: AmrEntry[] = [
    ...session.amr,
    { method: step.method, completed_at: now.toISOString(), ...(step.multiFactor ? { multi_factor: true as const } : {}) },
  ];
  const updated = await updateSessionAuth(session.id, session.tokenHash, {
    tokenHash: sha256Hex(token),
    amr: JSON.stringify(amr),
    authenticatedAt: step.effect === "complete" ? now : session.authenticatedAt,
    secondFactorDueSince:
      step.effect === "complete" ? null : step.effect === "first_factor" ? now : session.secondFactorDueSince,
    expiresAt: session.expiresAt,
    lastSeenAt: now,
  });
  if (!updated) return null;
  await setSessionCookie(token);
  return token;
}

export async function setSessionCookie(token: string): Promise<void> {
  (await cookies()).set(sessionCookieName(), token, {
    ...sessionCookieOptions(),
    maxAge: getConfig().SESSION_MAX_AGE,
  });
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete({ name: sessionCookieName(), ...sessionCookieOptions() });
}

/** Ends the current session: the row goes, not just the cookie. */
export async function endCurrentSession(session: Session): Promise<void> {
  await deleteSession(session.id);
  await clearSessionCookie();
}

/**
 * A passkey sign-in has no session yet: its WebAuthn challenge is bound to this random, short-lived
 * cookie instead, so a challenge issued to one browser can't be completed from another.
 */
const SIGN_IN_ATTEMPT_MAX_AGE_SECONDS = 10 * 60;

function signInAttemptCookieName(): string {
  return getConfig().secureCookies ? "__Host-twofold.attempt" : "twofold.attempt";
}

export async function signInAttemptBinding(options: { create: boolean }): Promise<string | null> {
  const jar = await cookies();
  const existing = jar.get(signInAttemptCookieName())?.value;
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  if (!options.create) return null;
  const value = randomToken();
  jar.set(signInAttemptCookieName(), value, { ...sessionCookieOptions(), maxAge: SIGN_IN_ATTEMPT_MAX_AGE_SECONDS });
  return value;
}

/**
 * The current view of a page that can show new recovery codes (set by proxy.ts on each view, see
 * lib/security/page-view.ts). `create` makes one when the browser has none yet (a form posted
 * without a view first); actions may set cookies, pages may not.
 */
export async function codesViewBinding(options: { create: boolean }): Promise<string | null> {
  const jar = await cookies();
  const name = codesViewCookieName(getConfig().secureCookies);
  const existing = jar.get(name)?.value;
  if (existing && existing.length <= 64) return existing;
  if (!options.create) return null;
  const value = randomToken();
  jar.set(name, value, sessionCookieOptions());
  return value;
}
