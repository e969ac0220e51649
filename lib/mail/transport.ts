import "server-only";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { getConfig } from "@/lib/config";

/**
 * Hands one mail to the outside world. With SMTP_URL: real SMTP through nodemailer. Without it:
 * the exact RFC 5322 message nodemailer would have sent is written as an .eml file to OUTBOX_DIR
 * (default data/outbox/), so development and the tests read what a user would get.
 */
export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  date: Date;
}

/** Short timeouts: delivery runs after the response, but a stuck server must not pile up workers. */
const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

const globalForMail = globalThis as unknown as { twofoldSmtp?: { url: string; transport: Transporter } };

function smtpTransport(url: string): Transporter {
  if (globalForMail.twofoldSmtp?.url !== url) {
    globalForMail.twofoldSmtp = { url, transport: nodemailer.createTransport({ url, ...SMTP_TIMEOUTS_MS }) };
  }
  return globalForMail.twofoldSmtp.transport;
}

export function mailFrom(): string {
  const config = getConfig();
  return config.MAIL_FROM ?? `${config.APP_NAME} <no-reply@${config.rpId}>`;
}

export function outboxDir(): string {
  // Resolved at run time, never traced at build time (Turbopack would otherwise bundle the whole tree).
  return path.resolve(/*turbopackIgnore: true*/ getConfig().OUTBOX_DIR ?? path.join("data", "outbox"));
}

export async function sendMail(mail: OutgoingMail): Promise<void> {
  const config = getConfig();
  const message = {
    from: mailFrom(),
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    date: mail.date,
    messageId: `<${mail.id}@${config.rpId}>`,
    // RFC 3834: an automatic message; auto-responders should not answer it.
    headers: { "Auto-Submitted": "auto-generated" },
  };
  if (config.SMTP_URL) {
    await smtpTransport(config.SMTP_URL).sendMail(message);
    return;
  }
  const built = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }).sendMail(message);
  const dir = outboxDir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${mail.date.getTime()}-${mail.id}.eml`);
  // Write then rename: a reader polling the folder never sees half a message.
  writeFileSync(`${file}.tmp`, built.message as Buffer);
  renameSync(`${file}.tmp`, file);
}
