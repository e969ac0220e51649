import { describe, expect, it } from "vitest";
import { describeDatabaseError, isConfigurationError, isDatabaseUnavailable } from "./errors";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("database errors", () => {
  it("tell an unreachable database from a wrong query", () => {
    expect(isDatabaseUnavailable(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("terminating connection due to administrator command", "57P01"))).toBe(true);
    // Drizzle wraps the driver's error as the cause.
    expect(isDatabaseUnavailable(new Error("Failed query: select 1", { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")]))).toBe(true);
    expect(isDatabaseUnavailable(withCode('relation "nope" does not exist', "42P01"))).toBe(false);
    expect(isDatabaseUnavailable(withCode("duplicate key value", "23505"))).toBe(false);
  });

  it("know which failures only a new DATABASE_URL can fix", () => {
    expect(isConfigurationError(withCode('password authentication failed for user "app"', "28P01"))).toBe(true);
    expect(isConfigurationError(withCode('database "nope" does not exist', "3D000"))).toBe(true);
    expect(isConfigurationError(withCode("connect ECONNREFUSED", "ECONNREFUSED"))).toBe(false);
  });

  it("read as one line with the code, never with a connection string", () => {
    expect(describeDatabaseError(withCode('password authentication failed for user "app"', "28P01"))).toBe('password authentication failed for user "app" (28P01)');
    expect(describeDatabaseError(new Error("bad url postgres://app:s3cret@db.example:5432/app"))).toBe("bad url postgres://…");
    expect(describeDatabaseError(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe("connect ECONNREFUSED 127.0.0.1:5432");
  });
});
