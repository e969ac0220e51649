/**
 * The words of every security notification, and the one layout they share (plain text + simple
 * HTML). Pure functions: lib/security/notifications.ts decides *which* events send a mail and
 * gathers the facts; this module only renders them. Nothing secret is ever passed in: no codes,
 * no keys, no tokens, no session ids; only what happened, when, and from which device and IP.
 */
import { userChosenNameRows } from "@/lib/security/event-labels";

export type SecurityMailKind =
  | "second_factor_added"
  | "second_factor_removed"
  | "recovery_codes_created"
  | "recovery_code_used"
  | "totp_replay_refused"
  | "key_possibly_cloned"
  | "other_sessions_signed_out"
  | "new_device_sign_in"
  | "operator_second_factors_reset"
  | "operator_sessions_revoked"
  | "operator_sign_in_unlocked"
  | "operator_password_reset"
  | "password_changed"
  | "password_failures"
  | "second_factor_failures"
  | "email_change_requested"
  | "email_changed"
  | "identity_linked"
  | "identity_unlinked"
  | "account_recovery_started"
  | "account_recovery_cancelled"
  | "account_recovery_completed";

/** The labelled facts of a mail (when, device, address…) as rows: values are data, never prose. */
function detailsTable(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<table role="presentation" style="border-collapse: collapse;">
${rows.map(([label, value]) => `<tr><th scope="row" style="text-align: left; padding: 2px 12px 2px 0;">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join("\n")}
</table>`;
}

export interface SecurityMailFacts {
  appName: string;
  /** Absolute URL of the security settings page. */
  settingsUrl: string;
  /** Absolute URL of the security log page. */
  logUrl: string;
  occurredAt: Date;
  /** "Chrome on Linux", or "the operator's admin tool". */
  device: string;
  ip: string | null;
  /** Event-specific, non-secret details (method, key name, code number, counts). */
  detail: Record<string, unknown>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Wording {
  subject: string;
  /** What happened, one or two sentences. */
  summary: string;
  /** What to do if it was not the user (or, for alerts, what to do now). */
  advice: string;
}

const METHOD_NAMES: Record<string, string> = {
  totp: "An authenticator app",
  webauthn: "A security key",
};

const str = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const REVIEW_STEPS = (f: SecurityMailFacts) =>
  `sign in at ${f.settingsUrl}, sign out every session you don't recognise, and remove any second step you didn't add.`;
const REVIEW = (f: SecurityMailFacts) => `If this wasn't you, someone may know your password: ${REVIEW_STEPS(f)}`;

const WORDING: Record<SecurityMailKind, (f: SecurityMailFacts) => Wording> = {
  // A key's name is the user's (or an intruder's) text: it goes in its own "Key name" row
  // (userChosenNameRows), never into these sentences.
  second_factor_added: (f) => {
    const what = METHOD_NAMES[String(f.detail.method)] ?? "A second step";
    return {
      subject: `A second step was added to your ${f.appName} account`,
      summary: `${what} was added to your account as a second step for signing in.`,
      advice: `${REVIEW(f)} A second step someone else added lets them sign in as you.`,
    };
  },
  second_factor_removed: (f) => {
    const what = METHOD_NAMES[String(f.detail.method)] ?? "A second step";
    // The last one (lib/mfa/removal.ts marks it): the account is back to a password alone.
    if (f.detail.last_second_factor === true) {
      return {
        subject: `Two-step verification is now off for your ${f.appName} account`,
        summary:
          `${what} was removed from your account. It was your last second step, so two-step verification is now off: ` +
          "signing in needs only your password." +
          (f.detail.recovery_codes_deleted === true
            ? " Your recovery codes were deleted too (they only back up a second step): none of them works any more."
            : ""),
        advice:
          `If this was you, you can turn two-step verification on again at any time at ${f.settingsUrl}: set up an authenticator app or a security key. ` +
          `If this wasn't you, someone signed in as you: sign in at ${f.settingsUrl} now, change your password, set up a second step again, and sign out every session you don't recognise. Contact support if you can't sign in.`,
      };
    }
    return {
      subject: `A second step was removed from your ${f.appName} account`,
      summary: `${what} was removed from your account and can no longer be used to sign in.`,
      advice: REVIEW(f),
    };
  },
  // The provider's address is the provider's word (and could be anyone's text): a detail row, not prose.
  identity_linked: (f) => ({
    subject: `A single sign-on identity was linked to your ${f.appName} account`,
    summary: "An identity at your single sign-on provider was linked to your account. It can now be used to sign in.",
    advice: `${REVIEW(f)} An identity someone else linked lets them sign in as you: unlink it in your security settings.`,
  }),
  identity_unlinked: (f) => ({
    subject: `A single sign-on identity was unlinked from your ${f.appName} account`,
    summary: "An identity at your single sign-on provider was unlinked from your account and can no longer be used to sign in.",
    advice: REVIEW(f),
  }),
  recovery_codes_created: (f) => ({
    subject: `New recovery codes for your ${f.appName} account`,
    summary:
      `A new set of recovery codes was saved for your account.` +
      (f.detail.replaced_previous === true ? " The codes you had before no longer work." : ""),
    advice: `${REVIEW(f)} Then generate new recovery codes yourself, so the ones someone else saw stop working.`,
  }),
  recovery_code_used: (f) => {
    const number = num(f.detail.code_number);
    const left = num(f.detail.codes_remaining);
    // The same step guards a password reset (lib/auth/password-reset.ts marks it "during").
    const reset = f.detail.during === "password_reset";
    return {
      subject: reset
        ? `A recovery code was used to reset the password of your ${f.appName} account`
        : `A recovery code was used to sign in to your ${f.appName} account`,
      summary:
        `${number ? `Recovery code ${number}` : "A recovery code"} was used as the second step ${reset ? "of a password reset for" : "to sign in to"} your account.` +
        (left === undefined ? "" : ` ${left === 0 ? "You have no recovery codes left" : `You have ${plural(left, "recovery code", "recovery codes")} left`}.`),
      advice:
        `${REVIEW(f)} Then generate new recovery codes: someone who has one of your codes and your password can sign in.` +
        (left !== undefined && left <= 3 ? " Even if it was you, generate a new set soon so you don't run out." : ""),
    };
  },
  totp_replay_refused: (f) => ({
    subject: `A reused sign-in code was refused on your ${f.appName} account`,
    summary:
      "Someone entered an authenticator-app code for your account that had already been used, and it was refused. " +
      "Each code works once. This can be an honest double submission, or someone who saw or intercepted a code you typed, and who also knows your password.",
    advice: `If you didn't just enter the same code twice, someone may know your password: ${REVIEW_STEPS(f)} Consider adding a security key, which can't be phished this way.`,
  }),
  key_possibly_cloned: (f) => {
    return {
      subject: `A security key on your ${f.appName} account may have been copied`,
      summary:
        "One of your security keys answered a sign-in with a signature counter lower than before. " +
        "That is what a copied (cloned) key looks like, so the sign-in was refused.",
      advice: `Remove this key at ${f.settingsUrl} and add it again only if you trust it; sign out every session you don't recognise. If you still have the key, keep it safe: someone may have had access to it.`,
    };
  },
  other_sessions_signed_out: (f) => {
    const count = num(f.detail.count);
    return {
      subject: `Other sessions of your ${f.appName} account were signed out`,
      summary: `All other sessions of your account${count === undefined ? "" : ` (${plural(count, "session", "sessions")})`} were signed out. Only the session that asked for it is still signed in.`,
      advice: REVIEW(f),
    };
  },
  new_device_sign_in: (f) => ({
    subject: `New sign-in to your ${f.appName} account`,
    summary:
      "Your account was signed in to from a device and network we haven't seen it use before." +
      (f.detail.second_factor_due === true ? " The password was right; the second step was then asked for." : ""),
    advice: `If this was you, there is nothing to do. ${REVIEW(f)}`,
  }),
  operator_second_factors_reset: (f) => ({
    subject: `The second steps of your ${f.appName} account were reset`,
    summary:
      "An administrator removed every second step from your account (authenticator app, security keys and passkeys, recovery codes). Your password alone now signs you in.",
    advice: `Sign in at ${f.settingsUrl} and set up a second step again. If you didn't ask for this, contact support right away.`,
  }),
  operator_sessions_revoked: (f) => ({
    subject: `All sessions of your ${f.appName} account were signed out`,
    summary: `An administrator signed out every session of your account${num(f.detail.count) === undefined ? "" : ` (${plural(num(f.detail.count)!, "session", "sessions")})`}. Sign in again to continue.`,
    advice: `If you didn't ask for this, sign in at ${f.settingsUrl}, check your second steps, and contact support.`,
  }),
  operator_sign_in_unlocked: (f) => ({
    subject: `Sign-in to your ${f.appName} account was unlocked`,
    summary: "An administrator lifted the lock that too many wrong sign-in attempts had put on your account.",
    advice: `If you didn't ask for this, contact support right away, and sign in at ${f.settingsUrl} to check your second steps and sessions.`,
  }),
  operator_password_reset: (f) => ({
    subject: `The password of your ${f.appName} account was reset`,
    summary:
      "An administrator reset your password: the old one no longer works, and every session of your account was signed out. A separate mail has a link to choose a new password.",
    advice: `If you didn't expect this, contact support. Your second steps are unchanged: you will still be asked for one when you sign in.`,
  }),
  // Two ways to a new password (detail.via, set by lib/security/notifications.ts): a mailed reset
  // link, or the settings page of a session that had just confirmed every factor.
  password_changed: (f) =>
    f.detail.via === "settings"
      ? {
          subject: `The password of your ${f.appName} account was changed`,
          summary:
            "Your password was changed on your security settings page, by a session that had just confirmed it's you. Every other session of your account was signed out, and any password reset link you had asked for stopped working; your second steps are unchanged.",
          advice: `If this wasn't you, someone was signed in as you with your password and second step: choose "Forgot password?" on the sign-in page to set a new password, then ${REVIEW_STEPS(f)} Contact support if you can't.`,
        }
      : {
          subject: `The password of your ${f.appName} account was changed`,
          summary:
            "Your password was changed with a reset link sent to this address. Every session of your account was signed out; your second steps are unchanged.",
          advice: `If this wasn't you, someone can read your mail and may know your second step: ask for a new reset link now, then ${REVIEW_STEPS(f)} Contact support if you can't.`,
        },
  password_failures: (f) => ({
    subject: `Someone is trying to guess the password of your ${f.appName} account`,
    summary:
      "Your account's password was entered wrongly 10 times in a row. Each further attempt now has to wait longer; after 100 wrong passwords in a row, password sign-in stops for your account until you sign in with a passkey, reset your password with a mailed link, or support unlocks it.",
    advice:
      `If it wasn't you, your password is being guessed: make sure it is long and used nowhere else, and add a second step at ${f.settingsUrl} if you haven't. ` +
      "If it was you, sign in with the right password and the count starts over.",
  }),
  second_factor_failures: (f) => ({
    subject: `Someone with your password is trying to sign in to your ${f.appName} account`,
    summary:
      "Your password was entered correctly, and then the second step (authenticator code, security key or recovery code) failed 10 times in a row. " +
      "Whoever is doing this very likely knows your password. After 100 failures in a row, second-step sign-in is locked: then only a passkey, account recovery (a mailed link and a waiting period you can cancel) or support gets anyone in.",
    advice:
      `If it wasn't you, change your password now (it is known to someone else), then at ${f.settingsUrl} sign out every session you don't recognise and check your second steps. ` +
      "Your second steps are still protecting your account: don't share a code with anyone who asks for it.",
  }),
  // Both go to the account's previous (current, for a request) address; the new address is the
  // requester's text and comes in its own "New address" / "Previous address" row.
  email_change_requested: (f) => ({
    subject: `A new email address was requested for your ${f.appName} account`,
    summary:
      "Someone signed in to your account asked to move it to a new email address, and a link to confirm it was sent there. " +
      "Nothing changes unless that link is opened.",
    advice:
      `If this wasn't you, someone can sign in as you: sign in at ${f.settingsUrl}, change your password, ` +
      "cancel the pending change in the Email section (Cancel change), and sign out every session you don't recognise.",
  }),
  // Account recovery (lib/auth/account-recovery.ts). The way to stop it is any sign-in with a second
  // step, or Cancel this recovery on any signed-in page: both need nothing the intruder has.
  account_recovery_started: (f) => ({
    subject: `Account recovery started for your ${f.appName} account`,
    summary:
      "Someone who knows your password said they can't use any of your second steps, and opened the recovery link sent to this address. " +
      `If nobody stops it, every second step of your account (authenticator apps, security keys, passkeys, recovery codes) can be removed from ${recoveryWhen(f.detail.finishable_at)}, and the account then signs in with the password alone.`,
    advice:
      `If this wasn't you, sign in at ${f.settingsUrl} with your password and a second step: that cancels the recovery (so does Cancel this recovery on any page while you are signed in). ` +
      "Then change your password, and the password of this mailbox: whoever did this knows both.",
  }),
  account_recovery_cancelled: (f) => ({
    subject: `Account recovery cancelled for your ${f.appName} account`,
    summary:
      (f.detail.reason === "second_factor"
        ? "The account recovery under way for your account was cancelled, because someone signed in with a second step."
        : "The account recovery under way for your account was cancelled from a signed-in session (Cancel this recovery).") +
      " Your second steps stay as they are.",
    advice: `If you didn't start the recovery, someone knows your password and can read this mailbox: ${REVIEW_STEPS(f)} Then change your password.`,
  }),
  account_recovery_completed: (f) => ({
    subject: `Your ${f.appName} account was recovered: two-step verification is off`,
    summary:
      "The account recovery finished: after the waiting period, someone with your password and the recovery link removed every second step of your account " +
      "(authenticator apps, security keys, passkeys and recovery codes) and signed in. Every other session was signed out. The account now signs in with the password alone.",
    advice:
      `If this was you, set up a second step again at ${f.settingsUrl}. ` +
      "If this wasn't you, someone has your password and this mailbox: reset your password (Forgot password?) at once, secure this mailbox, and contact support.",
  }),
  email_changed: (f) => ({
    subject: `The email address of your ${f.appName} account was changed`,
    summary:
      "Your account's email address was changed: the link sent to the new address was opened. " +
      "This address no longer signs in to the account and will get no more mail about it.",
    advice: "If this wasn't you, contact support right away: whoever did it could sign in as you, and a password reset now goes to the new address.",
  }),
};

/** A recovery's `finishable_at` (ISO) as a date in mails; "the end of the waiting period" when missing. */
function recoveryWhen(value: unknown): string {
  const date = typeof value === "string" ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? `${WHEN.format(date)} UTC` : "the end of the waiting period";
}

const WHEN = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" });

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderSecurityMail(kind: SecurityMailKind, facts: SecurityMailFacts): RenderedMail {
  const { subject, summary, advice } = WORDING[kind](facts);
  const when = `${WHEN.format(facts.occurredAt)} UTC`;
  const rows: Array<[string, string]> = [
    ...userChosenNameRows(facts.detail),
    ["When", when],
    ["Device", facts.device],
    ["IP address", facts.ip ?? "unknown"],
  ];
  const footer = `You get this mail because it concerns the security of your ${facts.appName} account. Your recent security activity: ${facts.logUrl}`;

  const text = [
    summary,
    "",
    ...rows.map(([label, value]) => `${label}: ${value}`),
    "",
    advice,
    "",
    "--",
    footer,
    "",
  ].join("\n");

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #0f172a; line-height: 1.5; max-width: 36rem;">
<p>${escapeHtml(summary)}</p>
${detailsTable(rows)}
<p>${escapeHtml(advice)}</p>
<p><a href="${escapeHtml(facts.settingsUrl)}">Open your security settings</a></p>
<hr>
<p style="font-size: 0.875em; color: #475569;">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject, text, html };
}

/**
 * The one mail that carries a secret: the password reset link. It is not a security notification
 * (those never carry one, above) and is queued directly by lib/auth/password-reset.ts. The link is
 * all it holds: no account details beyond the product's name, since whoever asked may not own the
 * address.
 */
export function renderPasswordResetMail(input: { appName: string; link: string; validMinutes: number; byOperator: boolean }): RenderedMail {
  const subject = `Reset the password of your ${input.appName} account`;
  const why = input.byOperator
    ? `An administrator reset the password of your ${input.appName} account. Choose a new one with this link:`
    : `Someone (hopefully you) asked to reset the password of your ${input.appName} account. Choose a new one with this link:`;
  const after = `It works once, for ${input.validMinutes} minutes. If your account has a second step (authenticator app, security key, recovery code), you will be asked for it first.`;
  const ignore = input.byOperator
    ? "If you didn't expect this, contact support."
    : "If you didn't ask for this, ignore this mail: your password stays as it is.";
  const text = [why, "", input.link, "", after, "", ignore, ""].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #0f172a; line-height: 1.5; max-width: 36rem;">
<p>${escapeHtml(why)}</p>
<p><a href="${escapeHtml(input.link)}">Choose a new password</a></p>
<p>${escapeHtml(after)}</p>
<p>${escapeHtml(ignore)}</p>
</body></html>
`;
  return { subject, text, html };
}

/**
 * The last mail to an address whose account was deleted (lib/auth/account-deletion.ts). Not a
 * security notification: there is no account, settings page or log left to point to, so it has a
 * layout of its own. It says what went, when and from where, and nothing else about the account.
 */
export function renderAccountDeletedMail(input: {
  appName: string;
  occurredAt: Date;
  /** The operator CLI deleted it, not the owner's own session. */
  byOperator: boolean;
  /** "Chrome on Linux", or "the administrators' tool". */
  device: string;
  ip: string | null;
}): RenderedMail {
  const subject = `Your ${input.appName} account was deleted`;
  const summary =
    (input.byOperator
      ? `An administrator deleted your ${input.appName} account.`
      : `Your ${input.appName} account was deleted from its security settings page, by a session that had just confirmed it's you.`) +
    " Its password, second steps, recovery codes, sessions and security log are gone, and nobody can sign in to it any more.";
  const advice = input.byOperator
    ? "If you didn't ask for this, contact support. You can create a new account with this address at any time."
    : "If this wasn't you, someone knew your password and second step: contact support, and change that password wherever else you use it. You can create a new account with this address at any time.";
  const footer = `This is the last mail you get about this ${input.appName} account.`;
  const rows: Array<[string, string]> = [
    ["When", `${WHEN.format(input.occurredAt)} UTC`],
    ["Device", input.device],
    ["IP address", input.ip ?? "unknown"],
  ];
  const text = [summary, "", ...rows.map(([label, value]) => `${label}: ${value}`), "", advice, "", "--", footer, ""].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #0f172a; line-height: 1.5; max-width: 36rem;">
<p>${escapeHtml(summary)}</p>
${detailsTable(rows)}
<p>${escapeHtml(advice)}</p>
<hr>
<p style="font-size: 0.875em; color: #475569;">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject, text, html };
}

function linkMailHtml(subject: string, paragraphs: { before: string; link?: { href: string; text: string }; after: string[] }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #0f172a; line-height: 1.5; max-width: 36rem;">
<p>${escapeHtml(paragraphs.before)}</p>
${paragraphs.link ? `<p><a href="${escapeHtml(paragraphs.link.href)}">${escapeHtml(paragraphs.link.text)}</a></p>\n` : ""}${paragraphs.after.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
</body></html>
`;
}

/**
 * The verification link for the account's address (at sign-up, and "Resend verification
 * email"). Like the reset link it carries a secret, and is queued directly by
 * lib/auth/email-verification.ts; the account works without it.
 */
export function renderEmailVerificationMail(input: { appName: string; link: string; validHours: number }): RenderedMail {
  const subject = `Confirm your email address for ${input.appName}`;
  const why = `Confirm that this is the address of your ${input.appName} account with this link:`;
  const after = `It works once, for ${input.validHours} hours. Confirming lets us reach you about your account's security, for example to reset your password.`;
  const ignore = `If you didn't create a ${input.appName} account, ignore this mail.`;
  const text = [why, "", input.link, "", after, "", ignore, ""].join("\n");
  return { subject, text, html: linkMailHtml(subject, { before: why, link: { href: input.link, text: "Confirm your email address" }, after: [after, ignore] }) };
}

/** The link that moves an account to a new address, sent to that new address (lib/auth/email-change.ts). */
export function renderEmailChangeMail(input: { appName: string; link: string; validMinutes: number }): RenderedMail {
  const subject = `Confirm the new email address of your ${input.appName} account`;
  const why = `Someone signed in to a ${input.appName} account asked to use this address for it from now on. To confirm, open this link:`;
  const after = `It works once, for ${input.validMinutes} minutes. Until it is opened, the account keeps its previous address.`;
  const ignore = "If you didn't ask for this, ignore this mail: nothing changes.";
  const text = [why, "", input.link, "", after, "", ignore, ""].join("\n");
  return { subject, text, html: linkMailHtml(subject, { before: why, link: { href: input.link, text: "Confirm the new address" }, after: [after, ignore] }) };
}

/**
 * Sent instead of the change link when the new address already belongs to another account: the
 * requester sees the same answer either way, and only whoever reads this mailbox learns why no
 * link came. No link: the address can't be taken over.
 */
export function renderEmailTakenMail(input: { appName: string; signInUrl: string }): RenderedMail {
  const subject = `Confirm the new email address of your ${input.appName} account`;
  const why = `Someone signed in to a ${input.appName} account asked to use this address for it. This address already belongs to a ${input.appName} account, so nothing was changed.`;
  const after = `If that was you, sign in with this address instead: ${input.signInUrl}`;
  const ignore = "If you didn't ask for this, ignore this mail: your account is unaffected.";
  const text = [why, "", after, "", ignore, ""].join("\n");
  return { subject, text, html: linkMailHtml(subject, { before: why, after: [after, ignore] }) };
}

/**
 * The account-recovery link ("I can't use any of my factors"), to the account's verified address.
 * It carries a secret, so like the reset link it is queued directly (lib/auth/account-recovery.ts).
 */
export function renderAccountRecoveryLinkMail(input: { appName: string; link: string; validMinutes: number; delay: string }): RenderedMail {
  const subject = `Recover your ${input.appName} account`;
  const why = `Someone signed in with the password of your ${input.appName} account and said they can't use any of its second steps. To recover the account, open this link:`;
  const after =
    `It works for ${input.validMinutes} minutes. Opening it starts a waiting period of ${input.delay}; after it, the same link and your password remove every second step, ` +
    "and you set up new ones. During the wait, any sign-in with a second step cancels the recovery.";
  const ignore = "If you didn't ask for this, don't open the link, and change your password: whoever asked knows it.";
  const text = [why, "", input.link, "", after, "", ignore, ""].join("\n");
  return { subject, text, html: linkMailHtml(subject, { before: why, link: { href: input.link, text: "Recover your account" }, after: [after, ignore] }) };
}

/** The reminder before a recovery's wait ends (housekeeping; lib/auth/account-recovery.ts). No link: nothing to click to let it happen. */
export function renderAccountRecoveryReminderMail(input: { appName: string; settingsUrl: string; finishableAt: Date }): RenderedMail {
  const subject = `Reminder: account recovery for your ${input.appName} account ends soon`;
  const why =
    `An account recovery is under way for your ${input.appName} account. From ${WHEN.format(input.finishableAt)} UTC, ` +
    "whoever started it can remove every second step of the account with the password and the recovery link.";
  const after = `If this wasn't you, sign in at ${input.settingsUrl} with your password and a second step now: that cancels it. Then change your password.`;
  const text = [why, "", after, ""].join("\n");
  return { subject, text, html: linkMailHtml(subject, { before: why, after: [after] }) };
}
