import "server-only";
import { after } from "next/server";
import { countSecurityEventRepeat, hasSecurityEvent, insertSecurityEvent, listSecurityEvents, newestSecurityEventDetail } from "@/db/queries/security-events";
import type { SecondFactorMethodId } from "@/lib/mfa/types";
import type { ClientContext } from "@/lib/security/client";
import type { SecurityEventActor, SecurityEventDetail, SecurityEventType } from "@/lib/security/event-types";
import { notifySecurityEvent } from "@/lib/security/notifications";

export type { SecurityEventType };

/**
 * Refused attempts anyone who knows an email address can cause. Repeats of one within
 * AGGREGATION_WINDOW_SECONDS of its first occurrence raise that row's count instead of adding a
 * row, so a guesser can't grow the log without bound or push the owner's real events out of it.
 * The row keeps the first occurrence's address and device.
 */
const AGGREGATED: ReadonlySet<SecurityEventType> = new Set<SecurityEventType>([
  "signin.failed",
  "signin.throttled",
  "signin.locked",
  "second_factor.failed",
  "second_factor.throttled",
  "second_factor.locked",
  "totp.replay_refused",
  "webauthn.counter_regressed",
  "password.reset_requested",
  "oidc.link_refused",
  "oidc.failed",
]);

export const AGGREGATION_WINDOW_SECONDS = 60 * 60;

/**
 * An event that belongs to no account (a provider sign-in refused before any account was known):
 * the security log is per account, so it goes to the server log, one JSON line, never a secret.
 */
export function logUnattributedEvent(type: SecurityEventType, client: ClientContext, detail: SecurityEventDetail = {}): void {
  console.warn(`[audit] ${JSON.stringify({ type, at: new Date().toISOString(), ip: client.ip, user_agent: client.userAgent, ...detail })}`);
}

export async function recordSecurityEvent(
  userId: string,
  type: SecurityEventType,
  client: ClientContext,
  detail: SecurityEventDetail = {},
  actor: SecurityEventActor = "user",
): Promise<void> {
  const createdAt = new Date();
  if (AGGREGATED.has(type)) {
    const since = new Date(createdAt.getTime() - AGGREGATION_WINDOW_SECONDS * 1000);
    // A repeat was already logged (and, where the rules say so, mailed) in this window.
    if (await countSecurityEventRepeat(userId, type, since, createdAt)) return;
  }
  const event = { userId, type, createdAt, ip: client.ip, userAgent: client.userAgent, actor };
  const id = await insertSecurityEvent({ ...event, detail: JSON.stringify(detail) });
  // Here, so that no caller can forget: the notification rules decide whether this one mails.
  await notifySecurityEvent({ id, ...event, detail });
}

/**
 * As recordSecurityEvent, after the response has been sent: for refused attempts, so that whether
 * an email has an account can't be read from how long a refusal takes.
 */
export function recordSecurityEventLater(userId: string, type: SecurityEventType, client: ClientContext, detail: SecurityEventDetail = {}): void {
  after(() =>
    recordSecurityEvent(userId, type, client, detail).catch((error: unknown) => {
      console.error(`[audit] could not record ${type}: ${error instanceof Error ? error.message : String(error)}`);
    }),
  );
}

export async function recentSecurityEvents(userId: string, limit = 50, beforeId?: number) {
  const rows = await listSecurityEvents(userId, limit, beforeId);
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

/**
 * Whether the session that began at `sessionCreatedAt` is the account's first (sign-up signs in):
 * the home page greets "Welcome" then, "Welcome back" after. Read from the log rather than from the
 * account's age, which says nothing about whether its owner has been here before: the log still
 * holds the account's creation, and no sign-in before this session began. Once housekeeping has
 * pruned the creation (old or busy accounts), the account is not new.
 */
export async function isFirstSession(userId: string, sessionCreatedAt: Date): Promise<boolean> {
  const [created, signedInBefore] = await Promise.all([
    hasSecurityEvent(userId, "account.created"),
    hasSecurityEvent(userId, "signin.succeeded", sessionCreatedAt),
  ]);
  return created && !signedInBefore;
}

/**
 * The second-factor method this account completed last (sign-in, re-authentication or password
 * reset), read from its log: null when none is logged (never used yet, or pruned by housekeeping).
 */
export async function lastSecondFactorMethod(userId: string): Promise<SecondFactorMethodId | null> {
  const detail = await newestSecurityEventDetail(userId, "second_factor.succeeded");
  if (detail === undefined) return null;
  const method = (JSON.parse(detail) as { method?: unknown }).method;
  return method === "totp" || method === "webauthn" || method === "lookup_secret" ? method : null;
}
