import "server-only";
import { cookies } from "next/headers";
import { sessionCookieOptions } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

/**
 * What opening a mailed email link did, carried across the 303 that takes the token out of the
 * address bar (app/(auth)/verify-email/link/route.ts). The link is spent at that hop, so the token
 * itself never reaches a cookie, a page or a form; this cookie holds only the outcome. HttpOnly and
 * same-site: no other site can set it to make the page claim a verification that didn't happen.
 */
export const EMAIL_LINK_OUTCOMES = ["verified", "changed", "expired", "taken"] as const;
export type EmailLinkOutcome = (typeof EMAIL_LINK_OUTCOMES)[number];

/** Long enough to land on the page (and reload it once), short enough not to linger. */
const OUTCOME_MAX_AGE_SECONDS = 5 * 60;

export function emailLinkCookieName(): string {
  return getConfig().secureCookies ? "__Host-twofold.email-link" : "twofold.email-link";
}

export function emailLinkCookieOptions() {
  return { ...sessionCookieOptions(), maxAge: OUTCOME_MAX_AGE_SECONDS };
}

export async function readEmailLinkOutcome(): Promise<EmailLinkOutcome | undefined> {
  const value = (await cookies()).get(emailLinkCookieName())?.value;
  return EMAIL_LINK_OUTCOMES.find((outcome) => outcome === value);
}
