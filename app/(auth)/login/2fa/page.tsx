import Link from "next/link";
import { signOutAction } from "@/app/actions/sign-out";
import { AuthCard } from "@/components/layout/auth-card";
import { SECOND_FACTOR_STEP_MAX_AGE_SECONDS } from "@/lib/auth/aal";
import { getAccess, requireSecondFactorStep } from "@/lib/auth/guards";
import { hasSessionCookie } from "@/lib/auth/session";
import { getBranding } from "@/lib/branding";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { reauthCancelUrl, safeReturnTo, signInUrl } from "@/lib/auth/return-to";
import { redirect } from "next/navigation";
import { secondFactorStepStatus } from "@/lib/auth/flow";
import { secondFactorStepFor } from "@/lib/mfa";
import { getClientContext } from "@/lib/security/client";
import { stepBudgetOf } from "../../second-step/budget";
import { OtherMethods } from "../../second-step/other-methods";
import { recoveryDelayText } from "@/lib/auth/account-recovery";
import { AccountRecoveryRequest } from "./account-recovery-request";
import { TotpStepForm } from "./components";
import { RecoveryCodeForm } from "./recovery-code-form";
import { SecurityKeyStep } from "./security-key-step";

export const metadata = { title: "Verify it's you" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const link = "text-brand-700 underline-offset-4 hover:underline";

/**
 * The second step, shared by every method: one primary action (the method lib/mfa picks, the one
 * used last), the others as links below. Switching is a plain link: it works without JavaScript.
 * A pause (throttling) is said in words before any typing; it covers every method.
 */
export default async function SecondFactorPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.return_to);
  // A cookie without a live session here is a sign-in whose second step lapsed (and was ended).
  if ((await getAccess()).kind === "anonymous" && (await hasSessionCookie())) return <SignInExpired returnTo={returnTo} />;
  const access = await requireSecondFactorStep(returnTo);

  const choice = await secondFactorStepFor(access.session.userId, params.method);
  // Nothing to verify with (the last factor went meanwhile): the guard already let it through.
  if (!choice) redirect(returnTo);
  const budget = stepBudgetOf(await secondFactorStepStatus(access, await getClientContext()));
  const hrefFor = (method: string) =>
    `/login/2fa?${new URLSearchParams({ method, ...(returnTo !== "/" ? { return_to: returnTo } : {}) })}`;

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
      {choice.primary === "webauthn" ? <SecurityKeyStep returnTo={returnTo} budget={budget} /> : null}
      {choice.primary === "totp" ? <TotpStepForm appName={getBranding().name} returnTo={returnTo} budget={budget} /> : null}
      {choice.primary === "lookup_secret" ? <RecoveryCodeForm returnTo={returnTo} budget={budget} /> : null}
      <OtherMethods alternatives={choice.alternatives} hrefFor={hrefFor} />
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
