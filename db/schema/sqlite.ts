import { sql } from "drizzle-orm";
import {
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The whole data model, SQLite dialect (db/schema/postgres.ts is its twin; db/schema/parity.test.ts
 * keeps them in step). Times are stored as epoch milliseconds. Secrets never appear here in
 * plaintext: session tokens and recovery codes as hashes, TOTP secrets encrypted (lib/crypto).
 */
const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull();

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Normalised (trimmed, lower-case) and unique. */
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
  /**
   * When the owner last proved they read mail at `email` (a verification or email-change link);
   * null while unverified. Accounts older than this column start unverified: they never proved it.
   */
  emailVerifiedAt: integer("email_verified_at", { mode: "timestamp_ms" }),
  /**
   * While REQUIRE_SECOND_FACTOR is on: when the policy first applied to this account (its sign-up,
   * or its first sign-in after the policy was switched on). The deadline to add a second factor is
   * this + REQUIRE_SECOND_FACTOR_GRACE_DAYS (lib/auth/second-factor-policy.ts). Never cleared.
   */
  secondFactorRequiredSince: integer("second_factor_required_since", { mode: "timestamp_ms" }),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the cookie token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /**
     * Last full (re-)authentication with every factor the account had; drives "privileged". Null
     * while a fresh sign-in still waits for its second factor: it has not authenticated yet.
     */
    authenticatedAt: integer("authenticated_at", { mode: "timestamp_ms" }),
    /** Set while a (re-)authentication has passed its first factor and awaits a second one. */
    secondFactorDueSince: integer("second_factor_due_since", { mode: "timestamp_ms" }),
    /** JSON array of { method, completed_at } (see lib/auth/aal.ts). */
    amr: text("amr").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    // Housekeeping prunes by each lifetime through its own index.
    index("sessions_expires_idx").on(t.expiresAt),
    index("sessions_last_seen_idx").on(t.lastSeenAt),
  ],
);

/**
 * The security log. Rows are never rewritten (triggers in the migrations): only a repeat of the
 * same refused attempt may raise `repeat_count` and `last_occurred_at`, and housekeeping deletes
 * rows past the retention (lib/security/retention.ts).
 */
export const securityEvents = sqliteTable(
  "security_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    createdAt: createdAt(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** JSON object with event-specific, non-secret details. */
    detail: text("detail").notNull().default("{}"),
    /** Who acted: the user's own request, or the operator CLI. No request can set "operator". */
    actor: text("actor", { enum: ["user", "operator"] }).notNull().default("user"),
    /** How many times this event happened (repeats of a refused attempt share one row). */
    repeatCount: integer("repeat_count").notNull().default(1),
    /** The latest repeat; null while the row holds one occurrence. */
    lastOccurredAt: integer("last_occurred_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("security_events_user_idx").on(t.userId, t.createdAt),
    index("security_events_created_idx").on(t.createdAt),
  ],
);

export const rateLimits = sqliteTable(
  "rate_limits",
  {
    bucket: text("bucket").notNull(),
    key: text("key").notNull(),
    /**
     * Attempts spent: in the current window for per-address buckets, or since the last success
     * for per-account ones (lib/security/rate-limit.ts).
     */
    attempts: integer("attempts").notNull(),
    windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
    /** The latest attempt: idle counters are forgotten, and housekeeping prunes, by this. */
    lastAttemptAt: integer("last_attempt_at", { mode: "timestamp_ms" }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.key] }), index("rate_limits_last_attempt_idx").on(t.lastAttemptAt)],
);

/** Authenticator apps: an account may hold several (a new phone before the old one goes). */
export const totpCredentials = sqliteTable(
  "totp_credentials",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The owner's name for the app (lib/mfa/factor-name.ts); rows from before names existed get the default. */
    name: text("name").notNull().default("Authenticator app"),
    /** AES-256-GCM ciphertext of the base32 secret, bound to the user id (lib/crypto/encryption). */
    secretCiphertext: text("secret_ciphertext").notNull(),
    /** Highest RFC 6238 time step this app ever had accepted; any code of it at or below is a replay. */
    lastUsedStep: integer("last_used_step"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("totp_credentials_user_idx").on(t.userId)],
);

export const webauthnCredentials = sqliteTable(
  "webauthn_credentials",
  {
    /** Credential ID, base64url. Unique across all accounts. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    publicKey: blob("public_key", { mode: "buffer" }).notNull(),
    counter: integer("counter").notNull(),
    /** JSON array of AuthenticatorTransport strings. */
    transports: text("transports").notNull().default("[]"),
    deviceType: text("device_type").notNull(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull(),
    /** Registered as a discoverable credential with user verification: may sign in alone (passkey). */
    isPasskey: integer("is_passkey", { mode: "boolean" }).notNull(),
    aaguid: text("aaguid"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("webauthn_credentials_user_idx").on(t.userId)],
);

/**
 * WebAuthn challenges are stateless (sealed and bound, lib/mfa/webauthn-challenge.ts): nothing is
 * written when one is issued. A challenge is spent by inserting its hash here, so it is accepted
 * once; the row is kept until the challenge would have expired anyway.
 */
export const webauthnSpentChallenges = sqliteTable(
  "webauthn_spent_challenges",
  {
    /** SHA-256 of the challenge. */
    challengeHash: text("challenge_hash").primaryKey(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("webauthn_spent_challenges_expires_idx").on(t.expiresAt)],
);

export const recoveryCodeSets = sqliteTable(
  "recovery_code_sets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** "pending" until the user confirms they saved the codes, then "active". */
    status: text("status", { enum: ["pending", "active"] }).notNull(),
    /** The session a pending set was shown to; only it may confirm. */
    sessionId: text("session_id"),
    createdAt: createdAt(),
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("recovery_code_sets_user_idx").on(t.userId),
    // At most one valid set per account, enforced by the database itself.
    uniqueIndex("recovery_code_sets_one_active").on(t.userId).where(sql`status = 'active'`),
  ],
);

export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    setId: text("set_id")
      .notNull()
      .references(() => recoveryCodeSets.id, { onDelete: "cascade" }),
    /** 1-based number shown next to the code, so used codes can be named after they are gone. */
    position: integer("position").notNull(),
    /** HMAC-SHA-256 of the normalised code under a key derived from AUTH_SECRET. */
    codeHash: text("code_hash").notNull(),
    keyId: text("key_id").notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    primaryKey({ columns: [t.setId, t.position] }),
    index("recovery_codes_hash_idx").on(t.codeHash),
  ],
);

/**
 * Security notifications waiting for (or done with) delivery. A row is written in the same flow as
 * the security event; delivery happens afterwards, so a failing mail server never fails the user's
 * action (lib/mail/queue.ts). Bodies hold no secrets (lib/mail/templates.ts).
 */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    /**
     * The account the mail concerns; its mails go with it. Null for the one mail that outlives its
     * account: the notice that it was deleted, queued in the deletion's own transaction
     * (db/queries/users.ts deleteUserAccount) and removed by housekeeping once delivered.
     */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** Which notification (lib/mail/templates.ts); also used to rate-limit repeated alerts. */
    kind: text("kind").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When a worker may try it next; a worker claims a row by moving this forward (a lease). */
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("mail_outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("mail_outbox_user_idx").on(t.userId, t.kind, t.createdAt),
    index("mail_outbox_sent_idx").on(t.sentAt),
  ],
);

/**
 * Password reset links in flight (lib/auth/password-reset.ts): at most one per account (a newer
 * link replaces the older one through the unique user id), stored only as the SHA-256 of the token.
 * A row is bound to the password hash it was issued against (`password_fingerprint`), so a password
 * changed by other means kills the link, and records server-side that the account's second factor
 * was passed for this reset.
 */
export const passwordResetTokens = sqliteTable(
  "password_reset_tokens",
  {
    /** SHA-256 of the mailed token; the token itself is never stored. */
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the password hash current when the link was issued. */
    passwordFingerprint: text("password_fingerprint").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** Which second factor was passed for this reset, and when; null until then. */
    secondFactorMethod: text("second_factor_method"),
    secondFactorAt: integer("second_factor_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("password_reset_tokens_expires_idx").on(t.expiresAt)],
);

/**
 * Mailed email links in flight (lib/auth/email-links.ts): "verify" confirms the account's address,
 * "change" moves the account to a new one. At most one per account and purpose (a newer link
 * replaces the older one through the unique pair), stored only as the SHA-256 of the token, and
 * spent by one conditional DELETE … RETURNING.
 */
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    /** SHA-256 of the mailed token; the token itself is never stored. */
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify", "change"] }).notNull(),
    /** The address the link proves: the account's own ("verify") or the new one ("change"). */
    email: text("email").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("email_tokens_user_purpose_idx").on(t.userId, t.purpose), index("email_tokens_expires_idx").on(t.expiresAt)],
);

/**
 * Identities at the OpenID Connect provider that sign in to an account (lib/auth/oidc-identity.ts).
 * An identity is (issuer, subject), never the email: the email is what the provider said at link
 * time, kept to show the owner which identity it is. One identity belongs to one account.
 */
export const linkedIdentities = sqliteTable(
  "linked_identities",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Always "oidc" today: the provider id of lib/auth/oidc.ts. */
    provider: text("provider").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("linked_identities_issuer_subject_idx").on(t.issuer, t.subject),
    index("linked_identities_user_idx").on(t.userId),
  ],
);

/**
 * Account recoveries in flight (lib/auth/account-recovery.ts): the way back in for an owner who
 * lost every second factor. At most one per account (the user id is the key; a newer request
 * replaces the older). "requested": the link was mailed and not yet opened; "waiting": it was
 * opened and the waiting period runs until `finishable_at`. Every step is one conditional
 * statement on this row, so each happens once however many requests race for it. The row goes
 * when the recovery is finished or cancelled (a successful second factor, or the owner's Cancel).
 */
export const accountRecoveries = sqliteTable(
  "account_recoveries",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the mailed token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    status: text("status", { enum: ["requested", "waiting"] }).notNull(),
    createdAt: createdAt(),
    /** "requested": the link must be opened before this; "waiting": the recovery must be finished before it. */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** When the link was opened (the waiting period's start); null while requested. */
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    /** startedAt + ACCOUNT_RECOVERY_DELAY: from then on, the password and the link finish it. */
    finishableAt: integer("finishable_at", { mode: "timestamp_ms" }),
    /** When housekeeping mails the reminder before the end; null when the wait is too short for one. */
    reminderDueAt: integer("reminder_due_at", { mode: "timestamp_ms" }),
    reminderSentAt: integer("reminder_sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("account_recoveries_expires_idx").on(t.expiresAt), index("account_recoveries_reminder_idx").on(t.reminderDueAt)],
);
