/** Every recovery-code message of the settings section and the after-sign-in page, in one table. */
export const RECOVERY_CODES_MESSAGES = {
  needsSecondFactor: "Set up an authenticator app or a security key first: recovery codes are a backup for them.",
  tickSaved: "Tick the box to confirm you saved these codes.",
  expired: "These codes expired before they were confirmed. Generate a new set.",
} as const;

/** Where confirming from the settings page lands (a notice the page knows). */
export const RECOVERY_CODES_SAVED_URL = "/settings/security?notice=recovery-codes-saved";
