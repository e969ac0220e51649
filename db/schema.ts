import * as postgres from "@/db/schema/postgres";
import * as sqlite from "@/db/schema/sqlite";
import { databaseDialect } from "@/db/config";

/**
 * The tables of the dialect this process runs on. Queries (db/queries/*) are written once against
 * these: at run time they are the SQLite or the PostgreSQL tables, chosen by DATABASE_URL. They
 * are typed as the PostgreSQL ones, the stricter of the two: every query must be awaited, and
 * SQLite-only calls (`.get()`, `.run()`, `.all()`) don't compile. Both schemas map each column to
 * the same JavaScript type (db/schema/parity.test.ts), so the rows read the same either way.
 */
const tables = (databaseDialect() === "postgres" ? postgres : sqlite) as unknown as typeof postgres;

export const {
  users,
  sessions,
  securityEvents,
  rateLimits,
  totpCredentials,
  webauthnCredentials,
  webauthnSpentChallenges,
  recoveryCodeSets,
  recoveryCodes,
  mailOutbox,
  passwordResetTokens,
  emailTokens,
  linkedIdentities,
  accountRecoveries,
} = tables;
