import { NextResponse, type NextRequest } from "next/server";
import { openAccountRecoveryLink } from "@/lib/auth/account-recovery";
import { recoveryCookieName, recoveryCookieOptions } from "@/lib/auth/account-recovery-cookie";
import { sessionCookieOptions } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { getClientContext } from "@/lib/security/client";

/**
 * The mailed link, `/account-recovery?token=…` (rewritten here by next.config.js), as the reset
 * link does it: answered by this handler, never by a page, with a 303 to `/account-recovery`, so
 * the token leaves the address bar (and history) before anything renders, and
 * `Referrer-Policy: no-referrer` so not even this hop can pass it on. Opening it starts the
 * waiting period (once; lib/auth/account-recovery.ts); the token rides on in an HttpOnly cookie
 * for the page and Finish recovery.
 */
function answer(query: string): NextResponse {
  const response = NextResponse.redirect(new URL(`/account-recovery${query}`, getConfig().origin), 303);
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export async function GET(request: NextRequest) {
  const token = request.nextUrl.searchParams.get("token");
  const result = await openAccountRecoveryLink(token, await getClientContext());
  if (result.ok && token) {
    const response = answer("");
    response.cookies.set(recoveryCookieName(), token, recoveryCookieOptions(result.cookieMaxAgeSeconds));
    return response;
  }
  // A dead link also ends any recovery this browser had on screen: the page then says it is dead.
  const response = answer(result.ok ? "" : result.reason === "throttled" ? "?error=throttled" : "");
  response.cookies.set(recoveryCookieName(), "", { ...sessionCookieOptions(), maxAge: 0 });
  return response;
}

/** Link checkers in mail clients send HEAD: it must not start the wait (Next would run GET for it). */
export function HEAD() {
  return answer("");
}
