import { describe, expect, it } from "vitest";
import { toPostgresPlaceholders } from "./db";

describe("toPostgresPlaceholders", () => {
  it("leaves SQL without parameters as it is", () => {
    const sql = "SELECT count(*) AS n FROM users WHERE email = 'a@example.test'";
    expect(toPostgresPlaceholders(sql)).toBe(sql);
  });

  it("numbers the parameters in order", () => {
    expect(toPostgresPlaceholders("UPDATE sessions SET authenticated_at = authenticated_at - ? WHERE id = ?")).toBe(
      "UPDATE sessions SET authenticated_at = authenticated_at - $1 WHERE id = $2",
    );
  });

  it("counts past nine without reusing a number", () => {
    const sql = `SELECT 1 WHERE x IN (${Array.from({ length: 12 }, () => "?").join(", ")})`;
    expect(toPostgresPlaceholders(sql)).toBe("SELECT 1 WHERE x IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
  });

  it("keeps a ? inside a string literal, including one with a doubled quote", () => {
    expect(toPostgresPlaceholders("SELECT 'why?' AS a, 'it''s ?' AS b, ? AS c")).toBe("SELECT 'why?' AS a, 'it''s ?' AS b, $1 AS c");
  });

  it("keeps a ? inside a quoted name and in comments", () => {
    expect(toPostgresPlaceholders('SELECT "odd?name" FROM t -- any?\nWHERE a = ? /* or ? */ AND b = ?')).toBe(
      'SELECT "odd?name" FROM t -- any?\nWHERE a = $1 /* or ? */ AND b = $2',
    );
  });

  it("leaves an unterminated literal alone rather than numbering inside it", () => {
    expect(toPostgresPlaceholders("SELECT ? WHERE a = 'open ?")).toBe("SELECT $1 WHERE a = 'open ?");
  });
});
