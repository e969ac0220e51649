import "server-only";
import { hasEarlierEventFrom } from "@/db/queries/security-events";
import { findUserById } from "@/db/queries/users";
import { getConfig } from "@/lib/config";
import { enqueueMail, kickMailDelivery } from "@/lib/mail/queue";
import { renderSecurityMail, type SecurityMailKind } from "@/lib/mail/templates";
import type { SecurityEventActor, SecurityEventDetail, SecurityEventType } from "@/lib/security/event-types";
import { OPERATOR_DEVICE, describeDevice } from "@/lib/security/device";

/**
 * THE place that decides which security events mail the account's owner. recordSecurityEvent
 * calls notifySecurityEvent for every event, so no caller can forget; an event type absent from
 * NOTIFICATIONS sends nothing. The words are in lib/mail/templates.ts.
 */
export interface RecordedSecurityEvent {
  id: number;
  userId: string;
  type: SecurityEventType;
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
  actor: SecurityEventActor;
  detail: SecurityEventDetail;
}

/** Events that prove a device was already this account's: signing up, or signing in, from it. */
const KNOWN_DEVICE_EVENTS = ["account.created", "signin.succeeded"] as const;

/**
 * Alerts an attacker can trigger at will (replaying a code, presenting a cloned key) would
 * otherwise let them flood the owner's mailbox; one mail per kind per hour says all there is to say.
 */
const ALERT_MAIL_INTERVAL_SECONDS = 60 * 60;

type Rule = {
  kind: SecurityMailKind;
  /** Facts the event type itself implies (which method), added to the event's detail for the template. */
  implies?: Record<string, string>;
  when?: (event: RecordedSecurityEvent) => Promise<boolean> | boolean;
  throttle?: boolean;
  /** Another address than the account's current one (the address an email change left). */
  to?: (event: RecordedSecurityEvent) => string | undefined;
};

export const NOTIFICATIONS: Partial<Record<SecurityEventType, Rule>> = {
  "totp.enabled": { kind: "second_factor_added", implies: { method: "totp" } },
  "webauthn.added": { kind: "second_factor_added", implies: { method: "webauthn" } },
  "totp.removed": { kind: "second_factor_removed", implies: { method: "totp" } },
  "webauthn.removed": { kind: "second_factor_removed", implies: { method: "webauthn" } },
  "recovery_codes.created": { kind: "recovery_codes_created" },
  "second_factor.succeeded": { kind: "recovery_code_used", when: (e) => e.detail.method === "lookup_secret" },
  "totp.replay_refused": { kind: "totp_replay_refused", throttle: true },
  "webauthn.counter_regressed": { kind: "key_possibly_cloned", throttle: true },
  "session.others_revoked": { kind: "other_sessions_signed_out", when: (e) => e.detail.count !== 0 },
  "signin.succeeded": {
    kind: "new_device_sign_in",
    // "New device" = first sign-in with this user agent + IP pair (signing up counts as seen).
    when: async (e) => !(await hasEarlierEventFrom(e.userId, KNOWN_DEVICE_EVENTS, e, e.id)),
  },
  "admin.second_factors_reset": { kind: "operator_second_factors_reset" },
  "admin.sessions_revoked": { kind: "operator_sessions_revoked" },
  "admin.sign_in_unlocked": { kind: "operator_sign_in_unlocked" },
  "admin.password_reset_forced": { kind: "operator_password_reset" },
  "password.reset": { kind: "password_changed", implies: { via: "reset_link" } },
  // Sent once per run of failures: only the request that counts the 10th records the event.
  "signin.failures_alert": { kind: "password_failures" },
  "second_factor.failures_alert": { kind: "second_factor_failures" },
  "password.changed": { kind: "password_changed", implies: { via: "settings" } },
  // Recorded before the change: the account's address is still the old one, which must hear of it.
  "email.change_requested": { kind: "email_change_requested" },
  // Recorded after it: the confirmation goes to the address the account just left.
  "oidc.linked": { kind: "identity_linked" },
  "oidc.unlinked": { kind: "identity_unlinked" },
  // Account recovery (lib/auth/account-recovery.ts): the start of the wait, its end either way.
  // The reminder before the end is queued by housekeeping; the link itself by the request.
  "account_recovery.started": { kind: "account_recovery_started" },
  "account_recovery.cancelled": { kind: "account_recovery_cancelled" },
  "account_recovery.completed": { kind: "account_recovery_completed" },
  "email.changed": { kind: "email_changed", to: (e) => (typeof e.detail.previous_email === "string" ? e.detail.previous_email : undefined) },
};

/**
 * Queues the mail an event calls for and starts delivery in the background. Never throws: a
 * notification problem must not fail the action that caused the event (it is logged instead).
 */
export async function notifySecurityEvent(event: RecordedSecurityEvent): Promise<void> {
  const rule = NOTIFICATIONS[event.type];
  if (!rule) return;
  try {
    if (rule.when && !(await rule.when(event))) return;
    const user = await findUserById(event.userId);
    if (!user) return;
    const config = getConfig();
    const mail = renderSecurityMail(rule.kind, {
      appName: config.APP_NAME,
      settingsUrl: new URL("/settings/security", config.origin).href,
      logUrl: new URL("/settings/security/log", config.origin).href,
      occurredAt: event.createdAt,
      device: event.actor === "operator" ? OPERATOR_DEVICE : describeDevice(event.userAgent),
      ip: event.ip,
      detail: { ...event.detail, ...rule.implies },
    });
    // A throttled alert is queued only if none of its kind was queued within the interval, decided
    // atomically, so concurrent requests raising it send one mail, not several.
    const since = rule.throttle ? new Date(event.createdAt.getTime() - ALERT_MAIL_INTERVAL_SECONDS * 1000) : undefined;
    const queued = await enqueueMail({ userId: user.id, kind: rule.kind, to: rule.to?.(event) ?? user.email, ...mail }, new Date(), { unlessQueuedSince: since });
    if (queued) kickMailDelivery();
  } catch (error) {
    console.error(`[notifications] no mail queued for security event ${event.id} (${event.type}): ${error instanceof Error ? error.message : String(error)}`);
  }
}
