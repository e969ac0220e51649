/**
 * The two "try again" answers every sign-in form can give, worded once: the server is at its
 * password-hashing limit (lib/auth/concurrency.ts BusyError), or the session changed under a
 * check (a token rotated by a parallel request, lib/auth/session.ts).
 */
export const RETRY_MESSAGES = {
  busy: "We're very busy right now. Please try again in a few seconds.",
  raced: "Your session changed while this was checked. Please try again.",
} as const;
