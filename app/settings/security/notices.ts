/**
 * Every notice the settings page shows after an action, in one table: the actions redirect to
 * `/settings/security?notice=<id>` and the page words the id. notices.test.ts checks that every id
 * an action sends is here, and that nothing here is unused.
 */
export interface SettingsNotice {
  text: string;
  tone: "success" | "info";
}

export const NOTICES = {
  "totp-enabled": { text: "Authenticator app added. You'll be asked for a code when you sign in.", tone: "success" },
  "totp-removed": { text: "Authenticator app removed.", tone: "info" },
  "totp-removed-codes-deleted": { text: "Authenticator app removed. Your recovery codes were deleted too: they only back up a second step.", tone: "info" },
  "recovery-codes-saved": { text: "Recovery codes saved. Any codes you had before no longer work.", tone: "success" },
  "factor-missing": { text: "That second step was already removed.", tone: "info" },
  "key-added": { text: "Security key added. You can use it to sign in.", tone: "success" },
  "key-renamed": { text: "Security key renamed.", tone: "success" },
  "key-removed": { text: "Security key removed.", tone: "info" },
  "key-removed-codes-deleted": { text: "Security key removed. Your recovery codes were deleted too: they only back up a second step.", tone: "info" },
  "key-missing": { text: "That security key was already removed.", tone: "info" },
  "session-revoked": { text: "That session was signed out.", tone: "success" },
  "session-missing": { text: "That session had already ended.", tone: "info" },
  "session-current": { text: "To end this session, use Sign out.", tone: "info" },
  "no-other-sessions": { text: "No other session is signed in.", tone: "info" },
  "others-revoked": { text: "All other sessions were signed out.", tone: "success" },
  "password-changed": { text: "Password changed. Every other session was signed out, and any password reset link stopped working.", tone: "success" },
  "verification-sent": { text: "We've sent a new verification link to your address. It works for 24 hours; earlier links no longer work.", tone: "success" },
  "email-already-verified": { text: "Your email address is already verified.", tone: "info" },
  "email-change-sent": { text: "Check the inbox of the new address and open the link we sent there within an hour. Until then your account keeps its current address.", tone: "success" },
  "email-change-cancelled": { text: "The email change was cancelled. The link sent to the new address no longer works.", tone: "info" },
  "email-change-missing": { text: "There was no pending email change to cancel.", tone: "info" },
  "identity-linked": { text: "Identity linked. You can now sign in with it.", tone: "success" },
  "identity-already-linked": { text: "That identity is already linked to your account.", tone: "info" },
  "identity-linked-elsewhere": { text: "That identity is linked to another account, so it can't be linked to this one. Unlink it there first.", tone: "info" },
  "identity-link-denied": { text: "Nothing was linked: you didn't allow the provider to share your sign-in.", tone: "info" },
  "identity-link-unavailable": { text: "Nothing was linked: the provider can't be reached right now. Try again in a few minutes.", tone: "info" },
  "identity-link-failed": { text: "Nothing was linked: the provider's answer could not be checked. Try again.", tone: "info" },
  "identity-unlinked": { text: "Identity unlinked. It can no longer be used to sign in.", tone: "info" },
  "identity-missing": { text: "That identity was already unlinked.", tone: "info" },
  "identity-last": { text: "That identity is the only way to sign in to your account, so it can't be unlinked. Set a password or add a passkey first.", tone: "info" },
  "account-recovered": { text: "Your account is recovered: every second step was removed and every other session signed out. Set up an authenticator app or a security key now, then new recovery codes.", tone: "success" },
  "passkey-only-way-in": { text: "That passkey is the only way to sign in to your account, so it can't be removed. Set a password, link an identity or add another passkey first.", tone: "info" },
} as const satisfies Record<string, SettingsNotice>;

export type SettingsNoticeId = keyof typeof NOTICES;

/**
 * Notices after a change to the second factors. When other sessions exist, the notice offers to
 * sign them out right there (ASVS 5: "the user is given the option to terminate all other active
 * sessions after changing or removing any authentication factor").
 */
export const SECOND_FACTOR_CHANGES: ReadonlySet<string> = new Set<SettingsNoticeId>([
  "totp-enabled", "totp-removed", "totp-removed-codes-deleted", "recovery-codes-saved",
  "key-added", "key-removed", "key-removed-codes-deleted",
]);

/** The notice for a `?notice=` value, or undefined for anything else (also "constructor" and the like). */
export function settingsNotice(id: unknown): SettingsNotice | undefined {
  return typeof id === "string" && Object.hasOwn(NOTICES, id) ? NOTICES[id as SettingsNoticeId] : undefined;
}
