import type { PasswordCheck } from "@/lib/auth/password-sign-in";
import type { FormState } from "@/components/ui/form-state";
import { PAUSE_MESSAGES, RETRY_MESSAGES, pauseWarning } from "../retry-messages";

/** Sign-in messages in one place. One message for wrong email and wrong password, on purpose. */
export const SIGN_IN_MESSAGES = {
  invalid: "That email and password don't match an account. Check them and try again.",
  busy: RETRY_MESSAGES.busy,
  throttled: PAUSE_MESSAGES.signInPaused,
  // Keyed by the email typed, so this reads the same whether or not the account exists.
  locked:
    "Password sign-in is paused for this email after too many wrong passwords. Sign in with a passkey if you have one, reset your password (Forgot password?), or contact support to unlock it.",
  raced: RETRY_MESSAGES.raced,
} as const;

/** The words for why a password sign-in was refused (lib/auth/password-sign-in.ts says why). */
export function passwordRefusalMessage(check: Extract<PasswordCheck, { ok: false }>): string {
  if (check.reason === "throttled") return SIGN_IN_MESSAGES.throttled(check.retryAfterSeconds);
  return SIGN_IN_MESSAGES[check.reason];
}

/**
 * Where the budget stands after a wrong password, in words, as the second step words its own
 * (second-factor-messages.ts): the pause it just started (with its countdown), the stop at the cap,
 * or a warning when a pause is near (pauseWarning, the one rule for when). It depends only on the
 * typed email's counter and the address's, so it reads the same whether or not the email has an
 * account.
 */
function afterWrongPassword(check: Extract<PasswordCheck, { ok: false }>): { words?: string; retryAfterSeconds?: number } {
  if (check.reason !== "invalid" || !check.budget) return {};
  const { budget } = check;
  if (budget.state === "paused") return { words: SIGN_IN_MESSAGES.throttled(budget.retryAfterSeconds), retryAfterSeconds: budget.retryAfterSeconds };
  if (budget.state === "capped") return { words: SIGN_IN_MESSAGES.locked };
  return { words: pauseWarning(budget) };
}

const joined = (message: string, words: string | undefined) => (words ? `${message} ${words}` : message);

/** As the form shows it: the words (and where the budget stands), and a pause for its button's countdown. */
export function passwordRefusalState(check: Extract<PasswordCheck, { ok: false }>): FormState {
  const message = passwordRefusalMessage(check);
  if (check.reason === "throttled") return { message, retryAfterSeconds: check.retryAfterSeconds };
  const { words, retryAfterSeconds } = afterWrongPassword(check);
  return retryAfterSeconds ? { message: joined(message, words), retryAfterSeconds } : { message: joined(message, words) };
}

/**
 * Re-authentication's wrong password, named plainly on its field (where focus lands), followed by
 * where the budget stands, with the countdown when a pause just started.
 */
export function confirmRefusalState(check: Extract<PasswordCheck, { ok: false }>): FormState {
  if (check.reason !== "invalid") return passwordRefusalState(check);
  const { words, retryAfterSeconds } = afterWrongPassword(check);
  const errors = { password: [joined(CONFIRM_MESSAGES.incorrect, words)] };
  return retryAfterSeconds ? { errors, retryAfterSeconds } : { errors };
}

/** Re-authentication of a signed-in user: the account is known, so a wrong password is named. */
export const CONFIRM_MESSAGES = {
  incorrect: "Incorrect password.",
} as const;

/**
 * Why a round trip through the OpenID Connect provider ended without signing in
 * (lib/auth/oidc-identity.ts OidcRefusal), shown on /login?error=oidc_… . `name` is OIDC_NAME.
 */
export function oidcRefusalMessage(code: unknown, name: string): string | undefined {
  if (typeof code !== "string" || !code.startsWith("oidc_")) return undefined;
  const messages: Record<string, string> = {
    unavailable: `${name} can't be reached right now. Try again in a few minutes, or sign in with your password.`,
    denied: `You didn't allow ${name} to share your sign-in with us, so you were not signed in.`,
    state: `That sign-in with ${name} could not be checked (it was started in another tab or browser, or took too long). Start again.`,
    expired: `${name}'s answer had expired, so it was not accepted. Start again.`,
    issuer: `The answer did not come from ${name}, so it was not accepted.`,
    failed: `Signing in with ${name} did not work. Try again, or sign in with your password.`,
    no_email: `${name} did not share an email address, so no account could be found or made.`,
    unverified_email: `${name} has not verified your email address, so we can't create an account from it. Verify it at ${name} and try again, or sign up with a password.`,
    link_required: `An account with this email address already exists. For your safety, ${name} is never linked to it automatically: sign in with your password (and second step), then choose "Link ${name}" in your security settings.`,
    other_identity: `That ${name} identity is not linked to your account. Confirm with the identity you linked.`,
    not_fresh: `${name} did not ask you to sign in again, so this can't confirm it's you. Try again.`,
  };
  return messages[code.slice("oidc_".length)];
}
