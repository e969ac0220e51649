import { getTableConfig as pgConfig, type PgColumn, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as postgres from "./postgres";
import * as sqlite from "./sqlite";

// One data model, two dialects: the same tables, columns, keys and indexes, and each column read
// as the same JavaScript type, so queries written once (db/queries) mean the same on both.

/** The JavaScript type a column reads as, from either dialect's column description. */
function jsType(column: SQLiteColumn | PgColumn): string {
  const sqlType = column.getSQLType();
  if (column.columnType === "SQLiteTimestamp" || (column.columnType === "PgCustomColumn" && sqlType === "bigint")) return "Date";
  if (column.columnType === "SQLiteBlobBuffer" || sqlType === "bytea") return "Buffer";
  if (column.columnType === "SQLiteBoolean" || column.columnType === "PgBoolean") return "boolean";
  return column.dataType;
}

function describeTable(config: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>) {
  const columns = Object.fromEntries(
    config.columns.map((c) => [
      c.name,
      { type: jsType(c), notNull: c.notNull, primary: c.primary, unique: c.isUnique, hasDefault: c.hasDefault, enum: c.enumValues ?? null },
    ]),
  );
  return {
    name: config.name,
    columns,
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    indexes: config.indexes
      .map((index) => ({
        name: index.config.name,
        unique: index.config.unique,
        columns: index.config.columns.map((c) => ("name" in c ? c.name : String(c))),
        partial: index.config.where !== undefined,
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return { columns: ref.columns.map((c) => c.name), foreignColumns: ref.foreignColumns.map((c) => c.name), onDelete: fk.onDelete };
    }),
  };
}

const tableNames = Object.keys(sqlite).filter((key) => typeof (sqlite as Record<string, unknown>)[key] === "object");

describe("the SQLite and PostgreSQL schemas", () => {
  it("define the same tables", () => {
    expect(Object.keys(postgres).filter((key) => typeof (postgres as Record<string, unknown>)[key] === "object").sort()).toEqual([...tableNames].sort());
    expect(tableNames.length).toBe(14);
  });

  it.each(tableNames)("agree on %s", (name) => {
    const a = describeTable(sqliteConfig((sqlite as unknown as Record<string, SQLiteTable>)[name]!));
    const b = describeTable(pgConfig((postgres as unknown as Record<string, PgTable>)[name]!));
    // The one identity column: SQLite's AUTOINCREMENT and PostgreSQL's GENERATED ALWAYS both fill it.
    if (name === "securityEvents") b.columns.id!.hasDefault = a.columns.id!.hasDefault;
    expect(b).toEqual(a);
  });
});
