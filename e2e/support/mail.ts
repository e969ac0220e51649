// Mails the e2e server wrote to its outbox (OUTBOX_DIR, no SMTP_URL), read as a user would get them.
import { expect } from "@playwright/test";
import { readOutbox, type ParsedMail } from "../../test/eml";
import { e2eEnv } from "./env";

export function mailsTo(email: string): ParsedMail[] {
  return readOutbox(e2eEnv().outboxDir).filter((mail) => mail.headers.to === email);
}

/** Waits (polling, delivery runs after the response) for a mail to `email` whose subject matches. */
export async function waitForMail(email: string, subject: RegExp): Promise<ParsedMail> {
  await expect
    .poll(() => mailsTo(email).filter((mail) => subject.test(mail.headers.subject ?? "")).length, { message: `mail to ${email} matching ${subject}` })
    .toBeGreaterThan(0);
  return mailsTo(email).filter((mail) => subject.test(mail.headers.subject ?? "")).at(-1)!;
}
