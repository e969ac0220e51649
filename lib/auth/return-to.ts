/**
 * Where to send a user after (re-)authentication. Only same-origin paths are accepted, so a
 * crafted link can't turn our sign-in page into an open redirect (OWASP "Unvalidated Redirects").
 *
 * The decision is made on the value that will actually be written into a Location header or an
 * href, never on the raw input alone: URL normalisation turns "/.//evil.example" (or "/%2e//…",
 * "/a/..//…") into "//evil.example", which browsers read as another host. So dot segments are
 * refused rather than resolved, and the serialised result is checked again and must be a fixed
 * point: safeReturnTo(safeReturnTo(x)) === safeReturnTo(x).
 *
 * Every sink (redirects in pages, guards and actions, Cancel/Continue links, the hidden return_to
 * fields) gets its value from safeReturnTo, refreshUrl or secondFactorUrl.
 */
const BASE = "http://twofold.invalid";
const MAX_LENGTH = 2048;
// Each layer of percent-encoding is one more chance for a server or proxy down the line to decode
// "%252e" into "%2e" into "."; a genuine path of ours never needs more than two layers (a
// return_to nested in the query of another return_to).
const MAX_DECODE_DEPTH = 3;

// Raw: controls (browsers strip tab/CR/LF inside URLs, so "/\t/evil" becomes "//evil"), invisible
// format characters (bidi overrides, zero-width), lone surrogates, any whitespace, backslashes
// (WHATWG URL treats "\" as "/" in http URLs).
const UNSAFE_RAW = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}\s\\]/u;
// Decoded: the same minus whitespace, which a query may legitimately carry as %20.
const UNSAFE_DECODED = /[\p{Cc}\p{Cf}\p{Cs}\\]/u;

/** The value with every layer of percent-encoding undone, or undefined if malformed or too deep. */
function fullyDecoded(value: string): string | undefined {
  let current = value;
  for (let depth = 0; depth <= MAX_DECODE_DEPTH; depth++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/** A same-origin absolute path (with optional query and fragment) that no decoding can bend. */
function isPlainPath(value: string): boolean {
  if (value.length === 0 || value.length > MAX_LENGTH) return false;
  // "//host" and "/\host" are protocol-relative to browsers; anything else without a leading "/"
  // is a scheme ("javascript:", "https:") or relative to the current page.
  if (value[0] !== "/" || value[1] === "/" || value[1] === "\\") return false;
  if (UNSAFE_RAW.test(value)) return false;
  const decoded = fullyDecoded(value);
  if (decoded === undefined || UNSAFE_DECODED.test(decoded)) return false;

  const end = value.search(/[?#]/);
  const path = end === -1 ? value : value.slice(0, end);
  const segments = path.slice(1).split("/");
  return segments.every((segment, i) => {
    // Empty segments ("/a//b") are never ours, and are the shape every payload needs; a trailing
    // slash ("/a/") is fine.
    if (segment === "") return i === segments.length - 1;
    const plain = fullyDecoded(segment);
    // An encoded "/" (%2f) would become a path separator to anyone who decodes before routing.
    return plain !== undefined && plain !== "." && plain !== ".." && !plain.includes("/");
  });
}

/** The path, query and fragment as the URL parser (and so a browser) would write them. */
function serialised(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function safeReturnTo(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !isPlainPath(value)) return fallback;
  const target = serialised(value);
  // Checked again on what goes out, and only a fixed point goes out (idempotence).
  if (target === undefined || !isPlainPath(target) || serialised(target) !== target) return fallback;
  return target;
}

/** The sign-in page for someone signed out, coming back here afterwards. */
export function signInUrl(returnTo: string): string {
  const target = safeReturnTo(returnTo);
  return target === "/" ? "/login" : `/login?${new URLSearchParams({ return_to: target })}`;
}

/** The re-authentication URL for a stale session (docs/contract.md). */
export function refreshUrl(returnTo: string): string {
  return `/login?${new URLSearchParams({ refresh: "true", return_to: safeReturnTo(returnTo) })}`;
}

export function secondFactorUrl(returnTo: string): string {
  const target = safeReturnTo(returnTo);
  return target === "/" ? "/login/2fa" : `/login/2fa?${new URLSearchParams({ return_to: target })}`;
}

/**
 * Where Cancel leads from a re-authentication (either step): back where the user was, still
 * signed in, unless that is the privileged page that asked for it, which would only ask again.
 */
export function reauthCancelUrl(returnTo: string): string {
  const path = safeReturnTo(returnTo);
  return /^\/settings\/security(?:[/?#]|$)/.test(path) ? "/" : path;
}
