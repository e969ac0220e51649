import "server-only";
import { cookies } from "next/headers";
import { sessionCookieOptions } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

/**
 * The mailed recovery token, once opened, moves from the address bar into this cookie (as the
 * reset link's does, lib/auth/password-reset-cookie.ts): HttpOnly, SameSite=Lax, and short. The
 * page and the Finish recovery action read it here; the token never appears in a URL, a form or
 * the page again. The link can be opened again later (after the wait), which sets it again.
 */
export const RECOVERY_COOKIE_MAX_AGE_SECONDS = 30 * 60;

export function recoveryCookieName(): string {
  return getConfig().secureCookies ? "__Host-twofold.recovery" : "twofold.recovery";
}

export function recoveryCookieOptions(maxAgeSeconds = RECOVERY_COOKIE_MAX_AGE_SECONDS) {
  return { ...sessionCookieOptions(), maxAge: Math.max(1, Math.floor(Math.min(maxAgeSeconds, RECOVERY_COOKIE_MAX_AGE_SECONDS))) };
}

export async function readRecoveryCookie(): Promise<string | undefined> {
  return (await cookies()).get(recoveryCookieName())?.value;
}

export async function clearRecoveryCookie(): Promise<void> {
  (await cookies()).delete({ name: recoveryCookieName(), ...sessionCookieOptions() });
}
