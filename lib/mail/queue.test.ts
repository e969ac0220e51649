import Database from "better-sqlite3";
import { mkdtempSync, readdirSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEml } from "@/test/eml";

// Real SMTP, no mock of the mail library: SMTP_URL points at a local port where, at first, no
// server listens (a broken mail server). The user's action must still succeed and the mail stay
// queued; once a real SMTP server (smtp-server) listens there, the retry delivers it.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-smtp-"));
const databasePath = path.join(dir, "test.db");
process.env.DATABASE_PATH = databasePath;
process.env.OUTBOX_DIR = path.join(dir, "outbox");
process.env.APP_ORIGIN = "http://localhost:3997";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let port: number;
let audit: typeof import("@/lib/security/audit");
let queue: typeof import("./queue");
let users: typeof import("@/db/queries/users");
let server: SMTPServer | undefined;
const received: Array<{ from: string; to: string[]; raw: string }> = [];

beforeAll(async () => {
  port = await freePort();
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  audit = await import("@/lib/security/audit");
  queue = await import("./queue");
  users = await import("@/db/queries/users");
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

function startSmtpServer(): Promise<void> {
  server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on localhost; advertising STARTTLS with smtp-server's self-signed test certificate
    // would only make the client refuse it.
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server!.on("error", reject);
    server!.listen(port, "127.0.0.1", () => resolve());
  });
}

const mailRows = () =>
  new Database(databasePath, { readonly: true })
    .prepare("SELECT status, attempts, last_error, next_attempt_at, to_address FROM mail_outbox ORDER BY created_at")
    .all() as Array<{ status: string; attempts: number; last_error: string | null; next_attempt_at: number; to_address: string }>;

describe("delivery over SMTP", () => {
  it("queues instead of failing while the server is down, then delivers on retry", async () => {
    await users.insertUser({ id: "u1", email: "owner@example.test", passwordHash: "x", createdAt: new Date() });
    const client = { ip: "192.0.2.1", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" };

    // The action's security event: resolves although nothing listens at SMTP_URL.
    await expect(audit.recordSecurityEvent("u1", "totp.enabled", client)).resolves.toBeUndefined();
    await queue.settleMailDelivery();
    const [queued] = mailRows();
    expect(queued).toMatchObject({ status: "pending", attempts: 1, to_address: "owner@example.test" });
    expect(queued!.last_error).toMatch(/ECONNREFUSED|connect/i);
    // Backed off, not hammering the server.
    expect(queued!.next_attempt_at).toBeGreaterThan(Date.now() + 20_000);
    // With SMTP_URL set, nothing is written to the outbox folder.
    expect(() => readdirSync(process.env.OUTBOX_DIR!)).toThrow();

    // Not due yet: a pass now leaves it alone.
    expect(await queue.deliverDueMails()).toEqual({ sent: 0, failed: 0 });

    await startSmtpServer();
    const later = new Date(Date.now() + queue.retryDelaySeconds(1) * 1000 + 1000);
    expect(await queue.deliverDueMails(later)).toEqual({ sent: 1, failed: 0 });
    expect(mailRows()[0]).toMatchObject({ status: "sent", attempts: 2, last_error: null });

    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(["owner@example.test"]);
    expect(received[0]!.from).toBe("no-reply@localhost");
    const mail = parseEml(received[0]!.raw);
    expect(mail.headers.subject).toBe("A second step was added to your Twofold account");
    expect(mail.text).toContain("An authenticator app was added");
    expect(mail.text).toContain("192.0.2.1");
    expect(mail.html).toContain("Open your security settings");
  });

  it("delivers at once while the server is up", async () => {
    await users.insertUser({ id: "u2", email: "second@example.test", passwordHash: "x", createdAt: new Date() });
    await audit.recordSecurityEvent("u2", "recovery_codes.created", { ip: "192.0.2.2", userAgent: null }, { count: 10, replaced_previous: false });
    await queue.settleMailDelivery();
    expect(received.map((r) => r.to[0])).toContain("second@example.test");
    expect(mailRows().every((row) => row.status === "sent")).toBe(true);
  });

  it("backs off exponentially up to an hour", async () => {
    expect([1, 2, 3, 4].map((n) => queue.retryDelaySeconds(n))).toEqual([30, 60, 120, 240]);
    expect(queue.retryDelaySeconds(20)).toBe(3600);
  });
});
