// Direct access to the e2e server's SQLite file, for what a browser can't do in a test's time:
// making a session old (privileged window, idle timeout) and inspecting what is stored at rest.
import Database from "better-sqlite3";
import { e2eEnv } from "./env";

let db: Database.Database | undefined;

export function testDb(): Database.Database {
  if (!db) {
    db = new Database(e2eEnv().databasePath);
    db.pragma("busy_timeout = 5000");
  }
  return db;
}

/** Moves a session's last full authentication `seconds` into the past. */
export function ageAuthentication(sessionId: string, seconds: number): void {
  testDb().prepare("UPDATE sessions SET authenticated_at = authenticated_at - ? WHERE id = ?").run(seconds * 1000, sessionId);
}

/** Moves a session's last activity `seconds` into the past (idle timeout). */
export function ageActivity(sessionId: string, seconds: number): void {
  testDb().prepare("UPDATE sessions SET last_seen_at = last_seen_at - ? WHERE id = ?").run(seconds * 1000, sessionId);
}

export function securityEventTypes(email: string): string[] {
  return testDb()
    .prepare("SELECT e.type FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? ORDER BY e.id")
    .all(email)
    .map((row) => (row as { type: string }).type);
}
