import Link from "next/link";
import { recoveryDelayText } from "@/lib/auth/account-recovery";
import { AuthCard } from "@/components/layout/auth-card";
import { openPasswordReset, resetSecondFactorStatus } from "@/lib/auth/password-reset";
import { secondFactorStepFor } from "@/lib/mfa";
import { getClientContext } from "@/lib/security/client";
import { stepBudgetOf } from "../second-step/budget";
import { OtherMethods } from "../second-step/other-methods";
import { readResetCookie } from "@/lib/auth/password-reset-cookie";
import { getBranding } from "@/lib/branding";
import { NewPasswordForm, ResetRecoveryCodeForm, ResetTotpForm } from "./components";
import { RESET_MESSAGES } from "./messages";
import { ResetSecurityKeyStep } from "./security-key-step";

export const metadata = { title: "Choose a new password" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const link = "text-brand-700 underline-offset-4 hover:underline";

/**
 * The reset, after the mailed link moved its token into a cookie (./link/route.ts). An account
 * with a second factor passes it here first, with the same inputs as /login/2fa; only then is the
 * new password asked for. Switching to a recovery code is a plain link: no JavaScript needed.
 */
export default async function ResetPasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const reset = await openPasswordReset(await readResetCookie());
  if (!reset) return <LinkExpired />;

  if (reset.secondFactorRequired && !reset.secondFactorPassed) {
    const choice = await secondFactorStepFor(reset.userId, params.method);
    const budget = stepBudgetOf(await resetSecondFactorStatus(reset, await getClientContext()));
    return (
      <AuthCard
        title="Verify it's you"
        description={<>Before you choose a new password for <strong className="font-medium text-slate-800">{reset.email}</strong>, confirm it&apos;s you with your second step.</>}
      >
        {choice?.primary === "webauthn" ? <ResetSecurityKeyStep budget={budget} /> : null}
        {choice?.primary === "totp" ? <ResetTotpForm appName={getBranding().name} budget={budget} /> : null}
        {choice?.primary === "lookup_secret" ? <ResetRecoveryCodeForm budget={budget} /> : null}
        <OtherMethods alternatives={choice?.alternatives ?? []} hrefFor={(method) => `/reset-password?${new URLSearchParams({ method })}`} />
        <p className="mt-6 border-t border-slate-200 pt-4 text-sm text-slate-600">
          Can&apos;t use any of your second steps? A password reset can&apos;t replace them. If you still know your password,{" "}
          <Link className={link} href="/login">sign in</Link> and choose <strong className="font-medium">I can&apos;t use any of my factors</strong>{" "}
          at the second step to start account recovery (it takes {recoveryDelayText()}). If you have lost your password too, contact support.
        </p>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Choose a new password"
      description={<>For <strong className="font-medium text-slate-800">{reset.email}</strong>. Every session of your account will be signed out; your second steps stay as they are.</>}
    >
      <NewPasswordForm email={reset.email} />
    </AuthCard>
  );
}

function LinkExpired() {
  return (
    <AuthCard title="Link expired">
      <p role="alert" className="text-sm text-slate-700">{RESET_MESSAGES.expired}</p>
      <p className="mt-4 text-sm">
        <Link className={link} href="/forgot-password">Ask for a new link</Link>
      </p>
    </AuthCard>
  );
}
