import type { SecurityEventType } from "@/lib/security/event-types";
import { describeDevice } from "@/lib/security/device";
import { toPrintableLine } from "@/lib/mfa/factor-name";

/** How each security event reads to the account's owner. */
export const SECURITY_EVENT_LABELS: Record<SecurityEventType, string> = {
  "account.created": "Account created",
  "signin.succeeded": "Signed in",
  "signin.failed": "Failed sign-in attempt (wrong password)",
  "signin.throttled": "Sign-in attempts paused after too many tries",
  "signin.locked": "Password sign-in stopped after 100 wrong passwords in a row",
  "signin.failures_alert": "10 wrong passwords in a row: you were sent an alert",
  "reauth.succeeded": "Confirmed password to change settings",
  "second_factor.succeeded": "Second step completed",
  "second_factor.failed": "Wrong second-step code",
  "second_factor.throttled": "Second-step attempts paused after too many tries",
  "second_factor.locked": "Second step locked after 100 wrong attempts in a row",
  "second_factor.failures_alert": "10 wrong second steps in a row: you were sent an alert",
  "totp.replay_refused": "Refused a reused authenticator code",
  "totp.enabled": "Authenticator app added",
  "totp.removed": "Authenticator app removed",
  "webauthn.added": "Security key added",
  "webauthn.renamed": "Security key renamed",
  "webauthn.removed": "Security key removed",
  "webauthn.counter_regressed": "Refused a security key that may have been copied",
  "recovery_codes.created": "New recovery codes saved",
  "recovery_codes.deleted": "Recovery codes deleted (no other second step left)",
  "password.reset_requested": "A password reset link was requested",
  "password.reset": "Password changed with a reset link",
  "session.signed_out": "Signed out",
  "session.revoked": "Signed out a session",
  "session.others_revoked": "Signed out all other sessions",
  "admin.second_factors_reset": "An administrator removed all second steps",
  "admin.sessions_revoked": "An administrator signed out all sessions",
  "admin.sign_in_unlocked": "An administrator unlocked sign-in after too many wrong attempts",
  "admin.password_reset_forced": "An administrator reset the password and mailed a reset link",
  "password.changed": "Password changed in security settings",
  "email.verification_resent": "A new email verification link was sent",
  "email.verified": "Email address verified",
  "email.change_requested": "Email address change requested (a link was sent to the new address)",
  "email.change_cancelled": "Pending email address change cancelled",
  "email.changed": "Email address changed",
  "oidc.linked": "Single sign-on identity linked",
  "oidc.unlinked": "Single sign-on identity unlinked",
  "oidc.link_refused": "Refused a single sign-on identity with your address that isn't linked to your account",
  "oidc.failed": "Single sign-on did not complete",
  "account_recovery.requested": "Account recovery asked for (a link was sent to your address)",
  "account_recovery.started": "Account recovery started: the waiting period runs",
  "account_recovery.cancelled": "Account recovery cancelled",
  "account_recovery.completed": "Account recovered: every second step was removed",
};

const METHOD_LABELS: Record<string, string> = {
  password: "password",
  totp: "authenticator app",
  webauthn: "security key",
  lookup_secret: "recovery code",
  oidc: "single sign-on",
};

export function describeSecurityEvent(type: string, detail: Record<string, unknown>): string {
  const label = SECURITY_EVENT_LABELS[type as SecurityEventType] ?? type;
  const method = typeof detail.method === "string" ? METHOD_LABELS[detail.method] : undefined;
  if (type === "second_factor.succeeded" && detail.method === "lookup_secret" && typeof detail.code_number === "number") {
    return `Recovery code ${detail.code_number} used to sign in (${detail.codes_remaining ?? "?"} left)`;
  }
  if (type === "recovery_codes.created" && detail.replaced_previous === true) return `${label} (the previous codes stopped working)`;
  if ((type === "totp.removed" || type === "webauthn.removed") && detail.last_second_factor === true) return `${label} (two-step verification is now off)`;
  if (type === "account_recovery.cancelled") {
    if (detail.reason === "second_factor") return `${label} (a second step was used to sign in)`;
    if (detail.reason === "owner") return `${label} (Cancel this recovery)`;
  }
  if (method && (type === "second_factor.succeeded" || type === "second_factor.failed")) return `${label} (${method})`;
  return label;
}

/** One log entry as a sentence: "Recovery code 3 used to sign in (7 left) from Chrome on Linux". */
export function describeLogEntry(
  type: string,
  detail: Record<string, unknown>,
  userAgent: string | null,
  actor: "user" | "operator" = "user",
  repeatCount = 1,
): string {
  const what = describeSecurityEvent(type, detail);
  const times = repeatCount > 1 ? ` (${repeatCount} times)` : "";
  // Operator events already say who did them (the actor column, which no request can set); the
  // tool is not the user's device.
  return actor === "operator" ? `${what}${times}` : `${what}${times} from ${describeDevice(userAgent)}`;
}

/**
 * Names the user chose (a security key's name), by the detail field that carries them. Whoever adds
 * a factor picks its name, possibly an intruder, so a name is shown only in a labelled row of its
 * own ("Key name: …"), in the log and in every mail, and never inside one of our sentences: a key
 * named `Backup". Added by support, no action needed. "` must not read as our reassurance.
 */
const USER_CHOSEN_NAME_LABELS: Record<string, string> = {
  key: "Key name",
  // Typed by whoever held the session: shown as data, never as part of a sentence.
  new_email: "New address",
  previous_email: "Previous address",
  app: "App name",
};

/** The user-chosen names in an event's detail, as [label, value] rows, each one line of text. */
export function userChosenNameRows(detail: Record<string, unknown>): Array<[label: string, value: string]> {
  return Object.entries(USER_CHOSEN_NAME_LABELS).flatMap(([field, label]) => {
    const value = detail[field];
    return typeof value === "string" && value.length > 0 ? [[label, toPrintableLine(value)] as [string, string]] : [];
  });
}
