/**
 * The security log's vocabulary, in a module of its own so that the log (audit.ts), the mail rules
 * (notifications.ts) and the wording (event-labels.ts) depend on it and not on each other.
 * Types only: nothing here runs.
 */

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
  | "admin.password_reset_forced"
  /** The password was changed on the settings page (privileged session); other sessions ended. */
  | "password.changed"
  /** The owner asked for a new verification link for the account's address. */
  | "email.verification_resent"
  /** A verification link was opened: the account's address is proven. */
  | "email.verified"
  /** A change to a new address was asked for (detail `new_email`); the link went to that address. */
  | "email.change_requested"
  | "email.change_cancelled"
  /** The change link was opened: the account's address is now the new one (detail `previous_email`). */
  | "email.changed"
  /** An identity at the OpenID Connect provider was linked to the account (detail `provider_email`). */
  | "oidc.linked"
  | "oidc.unlinked"
  /**
   * A provider identity whose email is this account's address tried to sign in and was refused:
   * never linked automatically (docs/security.md). Logged against the account it claimed.
   */
  | "oidc.link_refused"
  /** A provider sign-in, re-authentication or link of this session's user failed (detail `reason`). */
  | "oidc.failed"
  /** "I can't use any of my factors": a recovery link was mailed to the verified address. */
  | "account_recovery.requested"
  /** The recovery link was opened: the waiting period runs (detail `finishable_at`). */
  | "account_recovery.started"
  /** A recovery ended unfinished (detail `reason`: "second_factor" signed in, or "owner" pressed Cancel). */
  | "account_recovery.cancelled"
  /** After the wait, the password and the link removed every second factor (detail: what went). */
  | "account_recovery.completed";

export type SecurityEventDetail = Record<string, string | number | boolean | null>;

/** Who caused an event: the user's own requests, or the operator CLI (never settable by a request). */
export type SecurityEventActor = "user" | "operator";
