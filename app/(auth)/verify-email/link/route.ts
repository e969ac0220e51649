import { NextResponse, type NextRequest } from "next/server";
import { emailLinkCookieName, emailLinkCookieOptions, type EmailLinkOutcome } from "@/lib/auth/email-link-cookie";
import { openEmailLink } from "@/lib/auth/email-links";
import { getConfig } from "@/lib/config";
import { getClientContext } from "@/lib/security/client";

/**
 * The mailed link, `/verify-email?token=…` (rewritten here by next.config.js), as the password
 * reset link does it: answered by this handler, never by a page, with a 303 to `/verify-email`, so
 * the token leaves the address bar (and history) before anything renders, and
 * `Referrer-Policy: no-referrer` so not even this hop can pass it on. Unlike a reset, opening the
 * link is the whole job: the token is spent here, and only the outcome rides along in a cookie.
 */
function answer(outcome: EmailLinkOutcome | null): NextResponse {
  const response = NextResponse.redirect(new URL("/verify-email", getConfig().origin), 303);
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("Cache-Control", "no-store");
  if (outcome) response.cookies.set(emailLinkCookieName(), outcome, emailLinkCookieOptions());
  return response;
}

export async function GET(request: NextRequest) {
  const result = await openEmailLink(request.nextUrl.searchParams.get("token"), await getClientContext());
  return answer(result.ok ? result.outcome : result.reason);
}

/** Link checkers in mail clients send HEAD: it must not spend the link (Next would run GET for it). */
export function HEAD() {
  return answer(null);
}
