import { NextResponse, type NextRequest } from "next/server";
import { whileDatabaseDown } from "@/lib/service-unavailable";
import { codesViewCookieName, startsCodesView } from "@/lib/security/page-view";
import { checkRequestBody } from "@/lib/security/request-guard";

/**
 * Runs before every page and action: a fresh CSP nonce per response (Next.js adds it to its own
 * scripts), a same-origin check on every state-changing request, and a new view value for the
 * pages that can show unconfirmed recovery codes (lib/security/page-view.ts). Sessions are NOT
 * checked here: each page and action checks its own (lib/auth/guards.ts).
 */
const isDev = process.env.NODE_ENV !== "production";

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    // React sets style attributes at runtime; styles can't run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${oidcFormTarget()}`,
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The sign-in, re-authentication and link buttons of the OpenID Connect provider are plain forms
 * whose action answers with a redirect to the provider, and browsers hold redirects after a form
 * post to form-action too: the provider's origin (OIDC_ISSUER's, where its authorization endpoint
 * is) is allowed as well. Read from the environment: this edge-light module can't import lib/config.
 */
function oidcFormTarget(): string {
  const issuer = process.env.OIDC_ISSUER;
  if (!issuer) return "";
  try {
    return ` ${new URL(issuer).origin}`;
  } catch {
    return "";
  }
}

// Two years, subdomains included: the hstspreload.org minimum, and long enough that a returning
// browser never makes a first plain-http request an attacker could intercept (RFC 6797).
const HSTS = "max-age=63072000; includeSubDomains";

/**
 * Headers that depend on where the app is deployed. They are set here, not in next.config.js:
 * its headers are fixed at build time, APP_ORIGIN is read when the server runs. HSTS goes out
 * only for an https origin, so a browser that opened http://localhost is never pinned to https
 * for every local port and project.
 */
export function securityHeadersFor(appOrigin: string | undefined): Record<string, string> {
  return isHttpsOrigin(appOrigin) ? { "strict-transport-security": HSTS } : {};
}

/** As lib/config.ts's secureCookies, which this edge-light module can't import. */
function isHttpsOrigin(appOrigin: string | undefined): boolean {
  try {
    return appOrigin ? new URL(appOrigin).protocol === "https:" : false;
  } catch {
    return false;
  }
}

function withSecurityHeaders(response: NextResponse): NextResponse {
  for (const [name, value] of Object.entries(securityHeadersFor(process.env.APP_ORIGIN))) response.headers.set(name, value);
  return response;
}

function expectedOrigin(request: NextRequest): string {
  return process.env.APP_ORIGIN ? new URL(process.env.APP_ORIGIN).origin : request.nextUrl.origin;
}

export async function proxy(request: NextRequest) {
  // Every page and action needs the database: while it can't be reached, say so at once.
  const wantsJson = request.nextUrl.pathname.startsWith("/api/") || !(request.headers.get("accept") ?? "").includes("text/html");
  const unavailable = whileDatabaseDown(wantsJson);
  if (unavailable) return withSecurityHeaders(new NextResponse(unavailable.body, unavailable));
  if (!["GET", "HEAD", "OPTIONS"].includes(request.method)) {
    const origin = request.headers.get("origin");
    // Browsers send Origin on every cross-site POST; a mismatch is a forged request.
    if (origin !== null && origin !== expectedOrigin(request)) {
      return withSecurityHeaders(NextResponse.json({ error: "Cross-origin request refused." }, { status: 403 }));
    }
    // Bodies Next.js would fail to decode (with a 500) are refused here with a 4xx.
    const refused = await checkRequestBody(request);
    if (refused) return withSecurityHeaders(NextResponse.json({ error: refused.error }, { status: refused.status }));
  }
  const nonce = random128Base64();
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  if (startsCodesView(request.method, request.nextUrl.pathname, request.headers)) {
    const secure = isHttpsOrigin(process.env.APP_ORIGIN);
    response.cookies.set(codesViewCookieName(secure), random128Base64(), { httpOnly: true, sameSite: "lax", secure, path: "/" });
  }
  return withSecurityHeaders(response);
}

function random128Base64(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

export const config = {
  // Skipped: build assets (immutable files under /_next/static/, the image optimiser at
  // /_next/image), two fixed files, and /api/session (GET-only JSON, asked on every client check:
  // no page, so no CSP nonce to make). Each alternative is anchored and its dots escaped: the
  // lookahead runs on the path after the first "/", so an unanchored "robots.txt" would also skip
  // "/robots.txt.x" or "/robotsXtxt", leaving them without the Origin check, body guard and CSP.
  // Next.js reads this literal at build time; proxy.test.ts runs it through Next's own matcher.
  matcher: ["/((?!_next/static/|_next/image(?:/|$)|favicon\\.ico$|robots\\.txt$|api/session$).*)"],
};
