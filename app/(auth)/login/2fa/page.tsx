import Link from "next/link";
import { signOutAction } from "@/app/actions/sign-out";
import { AuthCard } from "@/components/layout/auth-card";
import { SECOND_FACTOR_STEP_MAX_AGE_SECONDS } from "@/lib/auth/aal";
import { getAccess, requireSecondFactorStep } from "@/lib/auth/guards";
import { hasSessionCookie } from "@/lib/auth/session";
import { getBranding } from "@/lib/branding";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { reauthCancelUrl, safeReturnTo, signInUrl } from "@/lib/auth/return-to";
import { enrolledMethods } from "@/lib/mfa";
import { recoveryDelayText } from "@/lib/auth/account-recovery";
import { AccountRecoveryRequest } from "./account-recovery-request";
import { TotpStepForm } from "./components";
import { RecoveryCodeForm } from "./recovery-code-form";
import { SecurityKeyStep } from "./security-key-step";

export const metadata = { title: "Verify it's you" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const link = "text-brand-700 underline-offset-4 hover:underline";

/**
 * The second step, shared by every method. The account's everyday methods (security key,
 * authenticator app) are offered together; a recovery code is the fallback behind a switch, so
 * it isn't spent by habit. Switching is a plain link: it works without JavaScript.
 */
export default async function SecondFactorPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.return_to);
  // A cookie without a live session here is a sign-in whose second step lapsed (and was ended).
  if ((await getAccess()).kind === "anonymous" && (await hasSessionCookie())) return <SignInExpired returnTo={returnTo} />;
  const access = await requireSecondFactorStep(returnTo);

  const methods = await enrolledMethods(access.session.userId);
  const hasKey = methods.includes("webauthn");
  const hasTotp = methods.includes("totp");
  const hasCodes = methods.includes("lookup_secret");
  const useCode = hasCodes && (params.method === "lookup_secret" || (!hasKey && !hasTotp));
  const hrefWith = (extra: Record<string, string>) => {
    const query = new URLSearchParams({ ...extra, ...(returnTo !== "/" ? { return_to: returnTo } : {}) }).toString();
    return query ? `/login/2fa?${query}` : "/login/2fa";
  };

  // Signed in already: this is the second step of confirming it's you, which Cancel just leaves.
  const reauth = access.kind === "signed_in";
  return (
    <AuthCard
      title="Two-step verification"
      description={
        <>
          {reauth ? "Confirming it's you: " : "Signing in as "}
          <strong className="font-medium text-slate-800">{access.session.email}</strong>.
        </>
      }
      footer={
        reauth ? (
          <div className="flex items-center justify-between gap-4">
            <Link className={link} href={reauthCancelUrl(returnTo)}>Cancel</Link>
            <form action={signOutAction}>
              <button type="submit" className={link}>Sign out</button>
            </form>
          </div>
        ) : (
          <form action={signOutAction}>
            <button type="submit" className={link}>Cancel and sign out</button>
          </form>
        )
      }
    >
      {useCode ? (
        <>
          <RecoveryCodeForm returnTo={returnTo} />
          {hasKey || hasTotp ? (
            <p className="mt-6 border-t border-slate-200 pt-4 text-sm">
              <Link className={link} href={hrefWith({})}>
                Use your {hasKey ? "security key" : "authenticator app"}{hasKey && hasTotp ? " or authenticator app" : ""} instead
              </Link>
            </p>
          ) : null}
        </>
      ) : (
        <>
          {hasKey ? <SecurityKeyStep returnTo={returnTo} /> : null}
          {hasKey && hasTotp ? (
            <p className="my-6 flex items-center gap-3 text-xs font-medium uppercase tracking-wide text-slate-500" aria-hidden="true">
              <span className="h-px flex-1 bg-slate-200" />or<span className="h-px flex-1 bg-slate-200" />
            </p>
          ) : null}
          {hasTotp ? <TotpStepForm appName={getBranding().name} returnTo={returnTo} autoFocus={!hasKey} /> : null}
          {hasCodes ? (
            <nav aria-label="Other ways to verify" className="mt-6 border-t border-slate-200 pt-4 text-sm">
              <p className="text-slate-600">Lost your device?</p>
              <Link className={link} href={hrefWith({ method: "lookup_secret" })}>Use a recovery code</Link>
            </nav>
          ) : null}
        </>
      )}
      <AccountRecoveryRequest returnTo={returnTo} delay={recoveryDelayText()} />
    </AuthCard>
  );
}

function SignInExpired({ returnTo }: { returnTo: string }) {
  const again = signInUrl(returnTo);
  return (
    <AuthCard title="Sign-in expired">
      <p role="alert" className="text-sm text-slate-700">
        The second step has to follow the password within {formatWait(SECOND_FACTOR_STEP_MAX_AGE_SECONDS)}. This sign-in has
        ended for your security: please start again.
      </p>
      <p className="mt-4 text-sm">
        <Link className={link} href={again}>Sign in again</Link>
      </p>
    </AuthCard>
  );
}
