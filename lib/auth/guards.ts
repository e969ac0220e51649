import "server-only";
import { redirect } from "next/navigation";
import { accessFor, mayCompleteSecondFactor, type Access } from "@/lib/auth/flow";
import { refreshUrl, safeReturnTo, secondFactorUrl, signInUrl } from "@/lib/auth/return-to";
import { getCurrentSession, hasSessionCookie } from "@/lib/auth/session";

/**
 * Page and action gates. Every server action calls one of these itself: an action is a public
 * POST endpoint, so nothing may rely on the page that rendered its form having checked.
 */
export type SignedIn = Extract<Access, { kind: "signed_in" }>;

export async function getAccess(): Promise<Access> {
  return accessFor(await getCurrentSession());
}

/** A fully signed-in user (at the account's highest available AAL), or a redirect to get there. */
export async function requireSignedIn(returnTo: string): Promise<SignedIn> {
  const access = await getAccess();
  if (access.kind === "anonymous") redirect(signInUrl(returnTo));
  if (access.kind === "second_factor_due") redirect(secondFactorUrl(returnTo));
  return access;
}

/** As requireSignedIn, and authenticated with every factor within PRIVILEGED_SESSION_MAX_AGE. */
export async function requirePrivileged(returnTo: string): Promise<SignedIn> {
  const access = await requireSignedIn(returnTo);
  if (!access.privileged) redirect(refreshUrl(returnTo));
  return access;
}

/**
 * The second-factor step (its page and every method's action): a sign-in or re-authentication
 * waiting for its second factor. Anyone else goes to /login, or on to where they were going.
 */
export async function requireSecondFactorStep(returnTo: string): Promise<Exclude<Access, { kind: "anonymous" }>> {
  const access = await getAccess();
  if (!mayCompleteSecondFactor(access)) {
    // A lapsed sign-in still carries its (now dead) cookie: /login/2fa says it must start again.
    if (access.kind === "anonymous") redirect((await hasSessionCookie()) ? "/login/2fa" : "/login");
    redirect(safeReturnTo(returnTo));
  }
  return access;
}
