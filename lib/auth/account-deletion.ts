import "server-only";
import { deleteUserAccount, type AccountDeletionReport } from "@/db/queries/users";
import { getConfig } from "@/lib/config";
import { kickMailDelivery, outboxRow } from "@/lib/mail/queue";
import { renderAccountDeletedMail } from "@/lib/mail/templates";
import type { ClientContext } from "@/lib/security/client";
import { OPERATOR_DEVICE, describeDevice } from "@/lib/security/device";
import type { SecurityEventActor } from "@/lib/security/event-types";
import { accountRateLimitKeys } from "@/lib/security/rate-limit";

export type { AccountDeletionReport };

/**
 * Deleting an account, from its own settings page or by the operator (`npm run admin -- user
 * delete`). Everything of the account goes in one transaction (db/queries/users.ts
 * deleteUserAccount), its security log included: the log's rows hold the owner's addresses and
 * devices, and serve nobody once there is no owner to show them to (docs/security.md, "Deleting an
 * account"). So the deletion itself can't be a log event; its record is the last mail, and a line
 * without the address on the server's output (the CLI prints what it removed itself).
 *
 * The last mail is queued in that same transaction as a row with no user id (the account's own
 * mails cascade away with it): it is queued exactly when the deletion commits, survives a crash or
 * a mail server that is down, and is retried like every other mail. Sending it directly after the
 * commit instead would lose it whenever the mail server is unreachable at that moment.
 */
export async function deleteAccount(
  user: { id: string; email: string },
  by: { actor: SecurityEventActor; client: ClientContext },
  now = new Date(),
): Promise<AccountDeletionReport | null> {
  const operator = by.actor === "operator";
  const mail = renderAccountDeletedMail({
    appName: getConfig().APP_NAME,
    occurredAt: now,
    byOperator: operator,
    // As the log does: the operator's tool is not a device of the user's, and has no address.
    device: operator ? OPERATOR_DEVICE : describeDevice(by.client.userAgent),
    ip: operator ? null : by.client.ip,
  });
  const removed = await deleteUserAccount({
    userId: user.id,
    email: user.email,
    rateLimits: accountRateLimitKeys(user),
    farewell: outboxRow({ userId: null, kind: "account_deleted", to: user.email, ...mail }, now),
  });
  if (!removed) return null;
  kickMailDelivery();
  return removed;
}

/** "2 sessions, 1 totpCredentials, …", for the server's output and the CLI. */
export function describeRemoved(removed: AccountDeletionReport): string {
  return Object.entries(removed).map(([what, n]) => `${n} ${what}`).join(", ");
}

/** The address typed to confirm, compared as addresses are stored (trimmed, lower-case). */
export function confirmsEmail(typed: string, email: string): boolean {
  return typed.trim().toLowerCase() === email;
}

export type DeleteOwnAccountResult = { ok: true } | { ok: false; reason: "email_mismatch" | "gone" };

/**
 * The settings page's deletion: the caller has checked the privileged session; the user must have
 * typed the account's address, so a stray click or a forged form without it deletes nothing.
 */
export async function deleteOwnAccount(
  session: { userId: string; email: string },
  confirmEmail: string,
  client: ClientContext,
): Promise<DeleteOwnAccountResult> {
  if (!confirmsEmail(confirmEmail, session.email)) return { ok: false, reason: "email_mismatch" };
  const removed = await deleteAccount({ id: session.userId, email: session.email }, { actor: "user", client });
  if (!removed) return { ok: false, reason: "gone" };
  // The operator's record of it (the CLI prints its own): the id, never the address.
  console.info(`[account] account ${session.userId} deleted by its owner: ${describeRemoved(removed)}`);
  return { ok: true };
}
