import "server-only";
import { redirect } from "next/navigation";
import { pendingAccountRecovery } from "@/lib/auth/account-recovery";
import { accessFor, mayCompleteSecondFactor, type Access } from "@/lib/auth/flow";
import { refreshUrl, safeReturnTo, secondFactorUrl, signInUrl } from "@/lib/auth/return-to";
import { secondFactorPolicyFor, type SecondFactorPolicyState } from "@/lib/auth/second-factor-policy";
import { getCurrentSession, hasSessionCookie } from "@/lib/auth/session";

/**
 * Page and action gates. Every server action calls one of these itself: an action is a public
 * POST endpoint, so nothing may rely on the page that rendered its form having checked.
 */
export type SignedIn = Extract<Access, { kind: "signed_in" }> & {
  /** Where the account stands under REQUIRE_SECOND_FACTOR (null: nothing asked of it): the banner, and enrolment-only. */
  secondFactorPolicy: SecondFactorPolicyState | null;
  /** An account recovery whose wait runs (lib/auth/account-recovery.ts): the banner with Cancel this recovery. */
  accountRecovery: { finishableAt: Date } | null;
};

/**
 * Once an account is past its REQUIRE_SECOND_FACTOR deadline without a second factor and recovery
 * codes, these are all it may reach: the settings page (its factor sections) and the removal
 * confirmation. The rest sends it there. Prefix match on the path, so query strings pass.
 */
const ENROLMENT_PATHS = ["/settings/security", "/settings/security/remove"] as const;

function isEnrolmentPath(returnTo: string): boolean {
  const path = returnTo.split(/[?#]/, 1)[0]!.replace(/\/+$/, "") || "/";
  return (ENROLMENT_PATHS as readonly string[]).includes(path);
}

export async function getAccess(): Promise<Access> {
  return accessFor(await getCurrentSession());
}

/** A fully signed-in user (at the account's highest available AAL), or a redirect to get there. */
export async function requireSignedIn(returnTo: string): Promise<SignedIn> {
  const access = await getAccess();
  if (access.kind === "anonymous") redirect(signInUrl(returnTo));
  if (access.kind === "second_factor_due") redirect(secondFactorUrl(returnTo));
  const secondFactorPolicy = await secondFactorPolicyFor(access.session.userId, access.availableAal);
  if (secondFactorPolicy?.enforced && !isEnrolmentPath(returnTo)) redirect("/settings/security");
  return { ...access, secondFactorPolicy, accountRecovery: await pendingAccountRecovery(access.session.userId) };
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
