/**
 * How database failures read, for the log and for the "service unavailable" page. Kept free of
 * driver imports so the proxy and error pages can use it.
 */

interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

const asDriverError = (error: unknown): DriverError => (typeof error === "object" && error !== null ? (error as DriverError) : {});

/** Errors that mean "the database can't be reached right now", not "this query is wrong". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

const UNAVAILABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /query read timeout/i, /Connection terminated unexpectedly/i];

/** PostgreSQL refused who we are or what we asked for: retrying won't help; fix DATABASE_URL. */
const CONFIGURATION_CODES = new Set([
  "28P01", // invalid_password
  "28000", // invalid_authorization_specification
  "3D000", // invalid_catalog_name: the database does not exist
]);

function codeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const { code, cause } = asDriverError(current);
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const { code, message, cause } = asDriverError(current);
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
    current = cause;
  }
  return false;
}

export function isConfigurationError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && CONFIGURATION_CODES.has(code);
}

/** One line: the driver's code and message. Connection strings (and their passwords) never appear. */
export function describeDatabaseError(error: unknown): string {
  const code = codeOf(error);
  const { message } = asDriverError(error);
  const text = typeof message === "string" && message !== "" ? message : error instanceof AggregateError ? error.errors.map(describeDatabaseError).join("; ") : String(error);
  const redacted = text.replace(/postgres(ql)?:\/\/[^\s"']*/gi, "postgres://…");
  return code && !redacted.includes(code) ? `${redacted} (${code})` : redacted;
}

/** A UNIQUE constraint refused the write (SQLite's extended code, PostgreSQL's unique_violation). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}
