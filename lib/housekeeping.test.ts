import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqlite, rawSqlite } from "@/test/sqlite";

// Housekeeping against a real SQLite file: it removes exactly what no longer decides anything.
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-housekeeping-")), "test.db");

let housekeeping: typeof import("./housekeeping");
let session: typeof import("@/lib/auth/session");
let sqlite: Database.Database;

beforeAll(async () => {
  housekeeping = await import("./housekeeping");
  session = await import("@/lib/auth/session");
  const client = await import("@/db/client");
  sqlite = await openSqlite();
});

const NOW = new Date("2027-01-01T12:00:00Z").getTime();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function insertSession(id: string, fields: { createdAt: number; lastSeenAt: number; expiresAt: number; authenticatedAt: number | null; dueSince: number | null }) {
  sqlite
    .prepare(
      `INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, authenticated_at, second_factor_due_since, amr)
       VALUES (?, 'hk-user', ?, ?, ?, ?, ?, ?, '[]')`,
    )
    .run(id, `hash-${id}`, fields.createdAt, fields.lastSeenAt, fields.expiresAt, fields.authenticatedAt, fields.dueSince);
}

const ids = (table: string, column: string) =>
  (sqlite.prepare(`SELECT ${column} AS id FROM ${table} ORDER BY ${column}`).all() as Array<{ id: string }>).map((r) => String(r.id));

describe("runHousekeeping", () => {
  it("prunes each kind of row past its lifetime and nothing else", async () => {
    sqlite.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('hk-user', 'hk@example.test', 'x', ?)").run(NOW - 500 * DAY);
    insertSession("live", { createdAt: NOW - HOUR, lastSeenAt: NOW - 60_000, expiresAt: NOW + 23 * HOUR, authenticatedAt: NOW - HOUR, dueSince: null });
    insertSession("expired", { createdAt: NOW - 25 * HOUR, lastSeenAt: NOW - 60_000, expiresAt: NOW - HOUR, authenticatedAt: NOW - 25 * HOUR, dueSince: null });
    insertSession("idle", { createdAt: NOW - 3 * HOUR, lastSeenAt: NOW - 2 * HOUR, expiresAt: NOW + 21 * HOUR, authenticatedAt: NOW - 3 * HOUR, dueSince: null });
    insertSession("half-lapsed", { createdAt: NOW - 11 * 60_000, lastSeenAt: NOW - 60_000, expiresAt: NOW + 23 * HOUR, authenticatedAt: null, dueSince: NOW - 11 * 60_000 });
    insertSession("half-open", { createdAt: NOW - 60_000, lastSeenAt: NOW - 60_000, expiresAt: NOW + 23 * HOUR, authenticatedAt: null, dueSince: NOW - 60_000 });

    // Listed before any pruning: only sessions still alive.
    expect((await session.listActiveSessions("hk-user", new Date(NOW))).map((s) => s.id).sort()).toEqual(["half-open", "live"]);

    const challenge = sqlite.prepare("INSERT INTO webauthn_spent_challenges (challenge_hash, expires_at) VALUES (?, ?)");
    challenge.run("spent-expired", NOW - 1);
    challenge.run("spent-live", NOW + 60_000);

    sqlite.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES ('hk-user-2', 'hk2@example.test', 'x', ?)").run(NOW - DAY);
    const reset = sqlite.prepare("INSERT INTO password_reset_tokens (token_hash, user_id, password_fingerprint, created_at, expires_at) VALUES (?, ?, 'f', ?, ?)");
    reset.run("reset-expired", "hk-user", NOW - 31 * 60_000, NOW - 60_000);
    reset.run("reset-live", "hk-user-2", NOW - 60_000, NOW + 29 * 60_000);
    const emailLink = sqlite.prepare("INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) VALUES (?, ?, ?, 'hk-new@example.test', ?, ?)");
    emailLink.run("email-expired", "hk-user", "verify", NOW - 25 * HOUR, NOW - HOUR);
    emailLink.run("email-live", "hk-user", "change", NOW - 60_000, NOW + 59 * 60_000);

    const counter = sqlite.prepare(
      "INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    counter.run("signInIp", "old-window", 3, NOW - 2 * HOUR, null, NOW - 2 * HOUR);
    counter.run("signInIp", "current-window", 3, NOW - 10 * 60_000, null, NOW - 10 * 60_000);
    counter.run("signInIp", "still-locked", 40, NOW - 2 * HOUR, NOW + 60_000, NOW - 2 * HOUR);
    counter.run("signInAccount", "quiet@example.test", 99, NOW - 100 * DAY, null, NOW - 91 * DAY);
    counter.run("signInAccount", "recent@example.test", 99, NOW - 100 * DAY, null, NOW - 2 * DAY);

    const mail = sqlite.prepare(
      `INSERT INTO mail_outbox (id, user_id, kind, to_address, subject, text_body, html_body, status, attempts, next_attempt_at, created_at, sent_at)
       VALUES (?, 'hk-user', 'k', 'hk@example.test', 's', 't', 'h', ?, 1, ?, ?, ?)`,
    );
    mail.run("sent-old", "sent", NOW - 40 * DAY, NOW - 40 * DAY, NOW - 40 * DAY);
    mail.run("sent-new", "sent", NOW - DAY, NOW - DAY, NOW - DAY);
    mail.run("failed-old", "failed", NOW - 100 * DAY, NOW - 100 * DAY, null);
    mail.run("pending-old", "pending", NOW - 100 * DAY, NOW - 100 * DAY, null);
    // The notice of a deleted account (no user id): gone once delivered or given up, kept while pending.
    const farewell = sqlite.prepare(
      `INSERT INTO mail_outbox (id, user_id, kind, to_address, subject, text_body, html_body, status, attempts, next_attempt_at, created_at, sent_at)
       VALUES (?, NULL, 'account_deleted', 'gone@example.test', 's', 't', 'h', ?, 1, ?, ?, ?)`,
    );
    farewell.run("farewell-sent", "sent", NOW - 60_000, NOW - 60_000, NOW - 60_000);
    farewell.run("farewell-failed", "failed", NOW - DAY, NOW - DAY, null);
    farewell.run("farewell-pending", "pending", NOW - 60_000, NOW - 60_000, null);

    // Recovery codes generated and never confirmed: unusable after 15 minutes, then pruned.
    const set = sqlite.prepare("INSERT INTO recovery_code_sets (id, user_id, status, session_id, created_at) VALUES (?, 'hk-user', ?, ?, ?)");
    set.run("pending-stale", "pending", "live", NOW - 16 * 60_000);
    set.run("pending-fresh", "pending", "live", NOW - 60_000);
    set.run("active-old", "active", null, NOW - 100 * DAY);
    sqlite.prepare("INSERT INTO recovery_codes (set_id, position, code_hash, key_id) VALUES ('pending-stale', 1, 'h', 'k')").run();

    const event = sqlite.prepare("INSERT INTO security_events (user_id, type, created_at) VALUES ('hk-user', ?, ?)");
    event.run("old", NOW - 401 * DAY);
    event.run("recent", NOW - 399 * DAY);

    const report = await housekeeping.runHousekeeping(new Date(NOW));
    expect(report).toEqual({ sessions: 3, challenges: 1, passwordResets: 1, emailLinks: 1, accountRecoveries: 0, accountRecoveryReminders: 0, pendingRecoveryCodes: 1, rateLimits: 2, sentMails: 2, failedMails: 2, securityEvents: 1 });
    expect(ids("sessions", "id")).toEqual(["half-open", "live"]);
    expect(ids("webauthn_spent_challenges", "challenge_hash")).toEqual(["spent-live"]);
    expect(ids("password_reset_tokens", "token_hash")).toEqual(["reset-live"]);
    expect(ids("email_tokens", "token_hash")).toEqual(["email-live"]);
    expect(ids("rate_limits", "key")).toEqual(["current-window", "recent@example.test", "still-locked"]);
    expect(ids("mail_outbox", "id")).toEqual(["farewell-pending", "pending-old", "sent-new"]);
    expect(ids("security_events", "type")).toEqual(["recent"]);
    expect(ids("recovery_code_sets", "id")).toEqual(["active-old", "pending-fresh"]);
    expect(ids("recovery_codes", "set_id")).toEqual([]);

    // A second run finds nothing left to do.
    expect(Object.values(await housekeeping.runHousekeeping(new Date(NOW))).every((n) => n === 0)).toBe(true);
  });

  it("keeps only each account's newest events beyond the per-account limit", async () => {
    const insert = sqlite.prepare("INSERT INTO security_events (user_id, type, created_at) VALUES ('flooded', ?, ?)");
    const over = 25;
    const limit = housekeeping.RETENTION.securityEventsPerAccount;
    sqlite.transaction(() => {
      for (let i = 0; i < limit + over; i++) insert.run(`e${i}`, NOW - 60_000);
    })();
    const report = await housekeeping.runHousekeeping(new Date(NOW));
    expect(report.securityEvents).toBe(over);
    const oldest = sqlite.prepare("SELECT type FROM security_events WHERE user_id = 'flooded' ORDER BY id LIMIT 1").get() as { type: string };
    expect(oldest.type).toBe(`e${over}`);
  });
});
