import { NextResponse, type NextRequest } from "next/server";
import { openPasswordReset } from "@/lib/auth/password-reset";
import { resetCookieName, resetCookieOptions } from "@/lib/auth/password-reset-cookie";
import { sessionCookieOptions } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

/**
 * The mailed link, `/reset-password?token=…` (rewritten here by next.config.js). It checks the
 * token without spending it, moves it into an HttpOnly cookie and answers 303 to `/reset-password`,
 * so the token leaves the address bar (and history) before any page renders, with
 * `Referrer-Policy: no-referrer` so not even this hop can pass it on.
 */
export async function GET(request: NextRequest) {
  const token = request.nextUrl.searchParams.get("token");
  const reset = await openPasswordReset(token);
  const response = NextResponse.redirect(new URL("/reset-password", getConfig().origin), 303);
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("Cache-Control", "no-store");
  if (reset && token) {
    response.cookies.set(resetCookieName(), token, resetCookieOptions((reset.expiresAt.getTime() - Date.now()) / 1000));
  } else {
    // A dead link also ends any reset this browser had under way: the page then says the link is dead.
    response.cookies.set(resetCookieName(), "", { ...sessionCookieOptions(), maxAge: 0 });
  }
  return response;
}
