import "server-only";
import {
  claimMail,
  insertMail,
  insertMailUnlessQueuedSince,
  listDueMailIds,
  markMailFailed,
  markMailSent,
  nextPendingMailAt,
  type MailOutboxRow,
} from "@/db/queries/mail-outbox";
import { randomId } from "@/lib/crypto/random";
import { sendMail } from "@/lib/mail/transport";

/**
 * The mail queue. A mail is first a row in `mail_outbox` (written in the user's request, cheap and
 * local), then delivered after the response by a worker in this process. A failed attempt stays
 * queued with exponential back-off; delivery errors are logged, never thrown at the caller. Pending
 * mails are picked up again by the in-process timer, by the next enqueue, and at app start
 * (instrumentation.ts).
 */
export const MAIL_RETRY = {
  firstDelaySeconds: 30,
  maxDelaySeconds: 60 * 60,
  /** About a day of attempts with the delays above; then the row is marked "failed" for an operator. */
  maxAttempts: 30,
  /** How long a claimed mail is reserved for the worker sending it. */
  leaseSeconds: 120,
} as const;

/** Delay before attempt `attempts + 1`, after `attempts` failures: 30 s, 60 s, 2 min … capped at 1 h. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAIL_RETRY.maxDelaySeconds, MAIL_RETRY.firstDelaySeconds * 2 ** Math.max(0, attempts - 1));
}

export interface QueuedMail {
  /** The account the mail concerns (the alert throttle counts per account). */
  userId: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Queues a mail. With `unlessQueuedSince`, only when no mail of its kind was queued for the user
 * since then (decided atomically); returns null when it was not queued.
 */
export async function enqueueMail(mail: QueuedMail, now = new Date(), options: { unlessQueuedSince?: Date } = {}): Promise<string | null> {
  const row = outboxRow(mail, now);
  if (options.unlessQueuedSince) return (await insertMailUnlessQueuedSince(row, options.unlessQueuedSince)) ? row.id : null;
  await insertMail(row);
  return row.id;
}

/**
 * A new pending row of the queue, for a caller that inserts it in a transaction of its own (the
 * notice of an account's deletion, which has no account left: `userId` null).
 */
export function outboxRow<U extends string | null>(mail: Omit<QueuedMail, "userId"> & { userId: U }, now = new Date()): MailOutboxRow & { userId: U } {
  return {
    id: randomId(),
    userId: mail.userId,
    kind: mail.kind,
    toAddress: mail.to,
    subject: mail.subject,
    textBody: mail.text,
    htmlBody: mail.html,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    sentAt: null,
  };
}

const BATCH = 20;

/** One pass over the due mails. Never throws; returns what happened, for the CLI and tests. */
export async function deliverDueMails(now = new Date()): Promise<{ sent: number; failed: number }> {
  const result = { sent: 0, failed: 0 };
  for (const id of await listDueMailIds(now, BATCH)) {
    // The lease counts from the real clock, even when `now` is moved ahead (tests, `admin mail retry`).
    const row = await claimMail(id, now, new Date(Date.now() + MAIL_RETRY.leaseSeconds * 1000));
    if (!row) continue; // another worker has it
    try {
      await sendMail({ id: row.id, to: row.toAddress, subject: row.subject, text: row.textBody, html: row.htmlBody, date: row.createdAt });
      await markMailSent(row.id, new Date());
      result.sent++;
    } catch (error) {
      const attempts = row.attempts + 1;
      const gaveUp = attempts >= MAIL_RETRY.maxAttempts;
      const message = error instanceof Error ? error.message : String(error);
      await markMailFailed(row.id, {
        attempts,
        nextAttemptAt: new Date(Date.now() + retryDelaySeconds(attempts) * 1000),
        lastError: message.slice(0, 500),
        gaveUp,
      });
      console.error(`[mail] delivery of ${row.id} (${row.kind}) failed, attempt ${attempts}${gaveUp ? ", giving up" : ""}: ${message}`);
      result.failed++;
    }
  }
  return result;
}

/** Worker state is per process (globalThis: Next may load this module in more than one bundle). */
const state = (globalThis as unknown as { twofoldMailWorker?: { running?: Promise<void>; again: boolean; timer?: NodeJS.Timeout; timerAt?: number } })
  .twofoldMailWorker ??= { again: false };

/**
 * Starts delivery in the background (returns at once). Called after every enqueue and at start;
 * a call while a pass runs makes that pass go round once more.
 */
export function kickMailDelivery(): void {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = (async () => {
    try {
      // A kick while the retry is being scheduled (an await) must start another pass too: once the
      // retry time has been read, a mail queued meanwhile would otherwise wait for a timer that may
      // never be set, until some later mail kicked the worker. The last check runs synchronously
      // before `running` is cleared, so no kick can fall between the two.
      do {
        do {
          state.again = false;
          await deliverDueMails();
        } while (state.again);
        await scheduleRetry();
      } while (state.again);
    } catch (error) {
      // The database itself failed; the next enqueue or start tries again.
      console.error(`[mail] delivery pass failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      state.running = undefined;
    }
  })();
}

/** Waits for the background delivery started so far (the CLI before it exits; tests). */
export async function settleMailDelivery(): Promise<void> {
  while (state.running) await state.running;
}

async function scheduleRetry(): Promise<void> {
  const next = await nextPendingMailAt();
  if (!next) return;
  const at = Math.max(next.getTime(), Date.now() + 1000);
  if (state.timer && state.timerAt !== undefined && state.timerAt <= at) return;
  if (state.timer) clearTimeout(state.timer);
  state.timerAt = at;
  state.timer = setTimeout(() => {
    state.timer = undefined;
    state.timerAt = undefined;
    kickMailDelivery();
  }, at - Date.now());
  // Never keeps a process (the CLI, a test) alive just to retry a mail.
  state.timer.unref();
}
