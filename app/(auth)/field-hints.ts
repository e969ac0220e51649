/**
 * The hints under the fields that more than one sign-in route shows (/login/2fa, /reset-password,
 * /signup): one wording each. Plain strings, no imports: the client forms bundle this file. The
 * product name comes in from the page (APP_NAME), never from the configuration in the browser.
 */
export const totpCodeHint = (appName: string) =>
  `Open your authenticator app and enter the 6-digit code it shows for ${appName}.`;

export const RECOVERY_CODE_HINT = "Enter one of the recovery codes you saved, like abcd-efgh-jkmn-pqrs. Each code works once.";

/** PASSWORD_MIN_LENGTH (lib/auth/password-policy.ts) is 8; that module reads the configuration, so it can't be bundled. */
export const NEW_PASSWORD_HINT = "At least 8 characters. A few unrelated words make a strong password that is easy to remember.";
