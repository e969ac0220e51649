import "server-only";
import { after } from "next/server";
import { countSecurityEventRepeat, insertSecurityEvent, listSecurityEvents } from "@/db/queries/security-events";
import type { ClientContext } from "@/lib/security/client";
import { notifySecurityEvent } from "@/lib/security/notifications";

/** Every kind of event the security log knows. Details never carry secrets. */
export type SecurityEventType =
  | "account.created"
  | "signin.succeeded"
  | "signin.failed"
  | "signin.throttled"
  /** 100 consecutive wrong passwords: password sign-in stopped for the account. */
  | "signin.locked"
  /** 10 consecutive wrong passwords: the owner is told. */
  | "signin.failures_alert"
  | "reauth.succeeded"
  | "second_factor.succeeded"
  | "second_factor.failed"
  | "second_factor.throttled"
  | "second_factor.locked"
  | "second_factor.failures_alert"
  | "totp.replay_refused"
  | "totp.enabled"
  | "totp.removed"
  | "webauthn.added"
  | "webauthn.renamed"
  | "webauthn.removed"
  | "webauthn.counter_regressed"
  | "recovery_codes.created"
  | "recovery_codes.deleted"
  /** A reset link was asked for this account's address (anyone can ask: aggregated). */
  | "password.reset_requested"
  /** The password was set through a mailed reset link (second factor passed first, if any). */
  | "password.reset"
  | "session.signed_out"
  | "session.revoked"
  | "session.others_revoked"
  /** Operator actions (scripts/admin.ts). */
  | "admin.second_factors_reset"
  | "admin.sessions_revoked"
  | "admin.sign_in_unlocked"
  /** The operator made the password stop working and mailed a reset link. */
  | "admin.password_reset_forced";

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
]);

export const AGGREGATION_WINDOW_SECONDS = 60 * 60;

export type SecurityEventDetail = Record<string, string | number | boolean | null>;

/** Who caused an event: the user's own requests, or the operator CLI (never settable by a request). */
export type SecurityEventActor = "user" | "operator";

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
