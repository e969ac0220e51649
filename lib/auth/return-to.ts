/**
 * Where to send a user after (re-)authentication. Only same-origin paths are accepted, so a
 * crafted link can't turn our sign-in page into an open redirect (OWASP "Unvalidated Redirects").
 */
const BASE = "http://twofold.invalid";
const MAX_LENGTH = 2048;

export function safeReturnTo(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  // "//host" and "/\host" are protocol-relative to browsers; control characters hide tricks.
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The re-authentication URL for a stale session (CONTRACT.md). */
export function refreshUrl(returnTo: string): string {
  return `/login?${new URLSearchParams({ refresh: "true", return_to: safeReturnTo(returnTo) })}`;
}

export function secondFactorUrl(returnTo: string): string {
  const target = safeReturnTo(returnTo);
  return target === "/" ? "/login/2fa" : `/login/2fa?${new URLSearchParams({ return_to: target })}`;
}
