import "server-only";
import { insertSecurityEvent, listSecurityEvents } from "@/db/queries/security-events";
import type { ClientContext } from "@/lib/security/client";

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
  | "session.others_revoked";

export async function recordSecurityEvent(
  userId: string,
  type: SecurityEventType,
  client: ClientContext,
  detail: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await insertSecurityEvent({
    userId,
    type,
    createdAt: new Date(),
    ip: client.ip,
    userAgent: client.userAgent,
    detail: JSON.stringify(detail),
  });
}

export async function recentSecurityEvents(userId: string, limit = 50) {
  const rows = await listSecurityEvents(userId, limit);
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}
