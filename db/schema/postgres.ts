import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Epoch milliseconds in a `bigint`, read back as a Date: the same representation as the SQLite
 * schema, so a time compared or computed in raw SQL (`last_seen_at > $1`) means the same thing in
 * both dialects. node-postgres returns int8 as a string, hence Number().
 */
const epochMs = customType<{ data: Date; driverData: string | number }>({
  dataType: () => "bigint",
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
});

/** Raw bytes (a WebAuthn public key); node-postgres reads bytea as a Buffer. */
const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * The whole data model, PostgreSQL dialect: the twin of db/schema/sqlite.ts, where each table and
 * column is documented (db/schema/parity.test.ts keeps the two in step). Only the types differ.
 */
const createdAt = () => epochMs("created_at").notNull();

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
  emailVerifiedAt: epochMs("email_verified_at"),
  secondFactorRequiredSince: epochMs("second_factor_required_since"),
});

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    lastSeenAt: epochMs("last_seen_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    authenticatedAt: epochMs("authenticated_at"),
    secondFactorDueSince: epochMs("second_factor_due_since"),
    amr: text("amr").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
    index("sessions_last_seen_idx").on(t.lastSeenAt),
  ],
);

export const securityEvents = pgTable(
  "security_events",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    createdAt: createdAt(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: text("detail").notNull().default("{}"),
    actor: text("actor", { enum: ["user", "operator"] }).notNull().default("user"),
    repeatCount: integer("repeat_count").notNull().default(1),
    lastOccurredAt: epochMs("last_occurred_at"),
  },
  (t) => [
    index("security_events_user_idx").on(t.userId, t.createdAt),
    index("security_events_created_idx").on(t.createdAt),
  ],
);

export const rateLimits = pgTable(
  "rate_limits",
  {
    bucket: text("bucket").notNull(),
    key: text("key").notNull(),
    attempts: integer("attempts").notNull(),
    windowStartedAt: epochMs("window_started_at").notNull(),
    lockedUntil: epochMs("locked_until"),
    lastAttemptAt: epochMs("last_attempt_at").notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.key] }), index("rate_limits_last_attempt_idx").on(t.lastAttemptAt)],
);

export const totpCredentials = pgTable(
  "totp_credentials",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull().default("Authenticator app"),
    secretCiphertext: text("secret_ciphertext").notNull(),
    lastUsedStep: integer("last_used_step"),
    createdAt: createdAt(),
    lastUsedAt: epochMs("last_used_at"),
  },
  (t) => [index("totp_credentials_user_idx").on(t.userId)],
);

export const webauthnCredentials = pgTable(
  "webauthn_credentials",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    publicKey: bytes("public_key").notNull(),
    // An authenticator's signature counter is an unsigned 32-bit number: past int4.
    counter: bigint("counter", { mode: "number" }).notNull(),
    transports: text("transports").notNull().default("[]"),
    deviceType: text("device_type").notNull(),
    backedUp: boolean("backed_up").notNull(),
    isPasskey: boolean("is_passkey").notNull(),
    aaguid: text("aaguid"),
    createdAt: createdAt(),
    lastUsedAt: epochMs("last_used_at"),
  },
  (t) => [index("webauthn_credentials_user_idx").on(t.userId)],
);

export const webauthnSpentChallenges = pgTable(
  "webauthn_spent_challenges",
  {
    challengeHash: text("challenge_hash").primaryKey(),
    expiresAt: epochMs("expires_at").notNull(),
  },
  (t) => [index("webauthn_spent_challenges_expires_idx").on(t.expiresAt)],
);

export const recoveryCodeSets = pgTable(
  "recovery_code_sets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "active"] }).notNull(),
    sessionId: text("session_id"),
    createdAt: createdAt(),
    confirmedAt: epochMs("confirmed_at"),
  },
  (t) => [
    index("recovery_code_sets_user_idx").on(t.userId),
    uniqueIndex("recovery_code_sets_one_active").on(t.userId).where(sql`status = 'active'`),
  ],
);

export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    setId: text("set_id")
      .notNull()
      .references(() => recoveryCodeSets.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    codeHash: text("code_hash").notNull(),
    keyId: text("key_id").notNull(),
    usedAt: epochMs("used_at"),
  },
  (t) => [
    primaryKey({ columns: [t.setId, t.position] }),
    index("recovery_codes_hash_idx").on(t.codeHash),
  ],
);

export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: epochMs("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: epochMs("sent_at"),
  },
  (t) => [
    index("mail_outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("mail_outbox_user_idx").on(t.userId, t.kind, t.createdAt),
    index("mail_outbox_sent_idx").on(t.sentAt),
  ],
);

export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: "cascade" }),
    passwordFingerprint: text("password_fingerprint").notNull(),
    createdAt: createdAt(),
    expiresAt: epochMs("expires_at").notNull(),
    secondFactorMethod: text("second_factor_method"),
    secondFactorAt: epochMs("second_factor_at"),
  },
  (t) => [index("password_reset_tokens_expires_idx").on(t.expiresAt)],
);

export const emailTokens = pgTable(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify", "change"] }).notNull(),
    email: text("email").notNull(),
    createdAt: createdAt(),
    expiresAt: epochMs("expires_at").notNull(),
  },
  (t) => [uniqueIndex("email_tokens_user_purpose_idx").on(t.userId, t.purpose), index("email_tokens_expires_idx").on(t.expiresAt)],
);

export const linkedIdentities = pgTable(
  "linked_identities",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email"),
    createdAt: createdAt(),
    lastUsedAt: epochMs("last_used_at"),
  },
  (t) => [
    uniqueIndex("linked_identities_issuer_subject_idx").on(t.issuer, t.subject),
    index("linked_identities_user_idx").on(t.userId),
  ],
);

export const accountRecoveries = pgTable(
  "account_recoveries",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    status: text("status", { enum: ["requested", "waiting"] }).notNull(),
    createdAt: createdAt(),
    expiresAt: epochMs("expires_at").notNull(),
    startedAt: epochMs("started_at"),
    finishableAt: epochMs("finishable_at"),
    reminderDueAt: epochMs("reminder_due_at"),
    reminderSentAt: epochMs("reminder_sent_at"),
  },
  (t) => [index("account_recoveries_expires_idx").on(t.expiresAt), index("account_recoveries_reminder_idx").on(t.reminderDueAt)],
);
