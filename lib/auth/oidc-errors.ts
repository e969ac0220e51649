/**
 * What went wrong in a provider round trip, from the error Auth.js (and oauth4webapi under it)
 * raised. Auth.js only shows the browser a coarse type ("Configuration"); the cause chain says
 * which check failed, and each reason gets its own words (app/(auth)/login/messages.ts).
 * No server-only import: pure, and unit-tested against real oauth4webapi errors.
 */
export const OIDC_FAILURES = ["unavailable", "denied", "state", "expired", "issuer", "failed"] as const;
export type OidcFailure = (typeof OIDC_FAILURES)[number];

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
  error?: unknown;
  claim?: unknown;
}

function chain(error: unknown): ErrorLike[] {
  const seen: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && seen.length < 8 && !seen.includes(current as ErrorLike)) {
    seen.push(current as ErrorLike);
    const next = (current as ErrorLike).cause;
    // Auth.js wraps some causes as { err: Error }.
    current = next && typeof next === "object" && "err" in next ? (next as { err: unknown }).err : next;
  }
  return seen;
}

/** One line naming each error of the chain, for the server log. */
export function describeChain(error: unknown): string {
  return chain(error)
    .map((e) => [e.name, e.code, e.message].filter((part) => typeof part === "string" && part.length > 0).join(" "))
    .filter(Boolean)
    .join(" <- ")
    .slice(0, 1000);
}

/**
 * The provider's own answer to the authorization request (?error=… on the callback), when Auth.js
 * passed the state check and then refused it: Auth.js drops the code from the error it raises.
 */
export function providerAnswerFailure(errorParam: string | null): OidcFailure | undefined {
  if (errorParam === null) return undefined;
  return errorParam === "access_denied" ? "denied" : "failed";
}

export function classifyOidcError(error: unknown): OidcFailure {
  const links = chain(error);
  const text = (e: ErrorLike) => `${String(e.name ?? "")} ${String(e.code ?? "")} ${String(e.message ?? "")}`;
  // The provider answered the authorization request with an error (?error=access_denied).
  if (links.some((e) => e.error === "access_denied")) return "denied";
  // oauth4webapi's claim checks name the claim they refused.
  if (links.some((e) => e.claim === "iss" || /"iss" \(issuer\)|issuer/i.test(String(e.message ?? "")) && /unexpected|mismatch/i.test(String(e.message ?? "")))) return "issuer";
  if (links.some((e) => e.claim === "exp" || /"exp" \(expiration/i.test(String(e.message ?? "")))) return "expired";
  // Auth.js's check cookies (state, PKCE verifier, nonce): missing, unreadable or not matching.
  if (links.some((e) => e.type === "InvalidCheck" || /InvalidCheck|state/i.test(String(e.name ?? "")) || /\bstate\b|code_verifier|pkce|nonce/i.test(String(e.message ?? "")))) return "state";
  if (links.some((e) => e.error !== undefined && typeof e.error === "string")) return "failed";
  // Nothing answered: refused connection, DNS, timeout, or a provider that answers 5xx to discovery.
  if (links.some((e) => /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|UND_ERR|fetch failed|socket|other side closed/i.test(text(e)))) return "unavailable";
  if (links.some((e) => /discovery|\.well-known|RESPONSE_IS_NOT_CONFORM|status code/i.test(text(e)))) return "unavailable";
  return "failed";
}
