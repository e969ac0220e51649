import Database from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reuseStatements } from "./client";

const items = sqliteTable("items", { id: integer("id").primaryKey(), name: text("name").notNull() });

describe("compiled SQLite statements, kept by their text", () => {
  let sqlite: Database.Database;
  let compiled: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    sqlite = new Database(":memory:");
    sqlite.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    compiled = vi.spyOn(Database.prototype, "prepare");
  });
  afterEach(() => {
    vi.restoreAllMocks();
    sqlite.close();
  });

  it("compiles a statement once however often Drizzle runs it, with each run's own values", () => {
    reuseStatements(sqlite);
    const db = drizzle(sqlite);
    for (const [id, name] of [[1, "a"], [2, "b"], [3, "c"]] as const) db.insert(items).values({ id, name }).run();
    const names = [1, 2, 3].map((id) => db.select().from(items).where(eq(items.id, id)).all()[0]?.name);
    expect(names).toEqual(["a", "b", "c"]);
    // One INSERT text and one SELECT text.
    expect(compiled).toHaveBeenCalledTimes(2);
  });

  it("hands a statement back in object mode after Drizzle used it for array rows", () => {
    reuseStatements(sqlite);
    const db = drizzle(sqlite);
    db.insert(items).values({ id: 1, name: "a" }).run();
    const text = db.select().from(items).toSQL().sql;
    // Drizzle's select reads array rows (raw mode) and maps them to its fields.
    expect(db.select().from(items).all()).toEqual([{ id: 1, name: "a" }]);
    // The same text through a plain query expects objects from the same kept statement.
    expect(db.all(sql.raw(text))).toEqual([{ id: 1, name: "a" }]);
    expect(compiled).toHaveBeenCalledTimes(2); // the INSERT and the one SELECT text
  });

  it("keeps at most its size, dropping the least recently used", () => {
    reuseStatements(sqlite, 2);
    const one = sqlite.prepare("SELECT 1");
    sqlite.prepare("SELECT 2");
    expect(sqlite.prepare("SELECT 1")).toBe(one); // now the most recent
    sqlite.prepare("SELECT 3"); // drops SELECT 2
    expect(sqlite.prepare("SELECT 1")).toBe(one);
    compiled.mockClear();
    sqlite.prepare("SELECT 2");
    expect(compiled).toHaveBeenCalledTimes(1);
  });
});
