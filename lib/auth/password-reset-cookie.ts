import "server-only";
import { cookies } from "next/headers";
import { sessionCookieOptions } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

/**
 * The mailed token, once opened, moves from the address bar into this cookie: HttpOnly (no script
 * reads it), SameSite=Lax (no cross-site post carries it), and no longer than the link lives. The
 * reset pages and actions read it here; the token never appears in a URL, a form or the page again.
 */
export function resetCookieName(): string {
  return getConfig().secureCookies ? "__Host-twofold.reset" : "twofold.reset";
}

export function resetCookieOptions(maxAgeSeconds: number) {
  return { ...sessionCookieOptions(), maxAge: Math.max(1, Math.floor(maxAgeSeconds)) };
}

export async function readResetCookie(): Promise<string | undefined> {
  return (await cookies()).get(resetCookieName())?.value;
}

export async function clearResetCookie(): Promise<void> {
  (await cookies()).delete({ name: resetCookieName(), ...sessionCookieOptions() });
}
