import "server-only";
import { insertSecurityEvent, listSecurityEvents } from "@/db/queries/security-events";
import type { ClientContext } from "@/lib/security/client";
import { notifySecurityEvent } from "@/lib/security/notifications";

/** Every kind of event the security log knows. Details never carry secrets. */
export type SecurityEventType =
  | "account.created"
  | "signin.succeeded"
  | "signin.failed"
  | "signin.throttled"
  | "reauth.succeeded"
  | "second_factor.succeeded"
  | "second_factor.failed"
  | "second_factor.throttled"
  | "totp.replay_refused"
  | "totp.enabled"
  | "totp.removed"
  | "webauthn.added"
  | "webauthn.renamed"
  | "webauthn.removed"
  | "webauthn.counter_regressed"
  | "recovery_codes.created"
  | "recovery_codes.deleted"
  | "session.signed_out"
  | "session.revoked"
  | "session.others_revoked"
  /** Operator actions (scripts/admin.ts). */
  | "admin.second_factors_reset"
  | "admin.sessions_revoked";

export async function recordSecurityEvent(
  userId: string,
  type: SecurityEventType,
  client: ClientContext,
  detail: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  const event = { userId, type, createdAt: new Date(), ip: client.ip, userAgent: client.userAgent };
  const id = await insertSecurityEvent({ ...event, detail: JSON.stringify(detail) });
  // Here, so that no caller can forget: the notification rules decide whether this one mails.
  await notifySecurityEvent({ id, ...event, detail });
}

export async function recentSecurityEvents(userId: string, limit = 50, beforeId?: number) {
  const rows = await listSecurityEvents(userId, limit, beforeId);
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}
