import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/layout/auth-card";
import { FormAlert } from "@/components/ui/alert";
import { getAccess } from "@/lib/auth/guards";
import { reauthCancelUrl, safeReturnTo, secondFactorUrl } from "@/lib/auth/return-to";
import { ConfirmPasswordForm, SignInForm } from "./components";
import { startOidcAction } from "@/app/actions/oidc";
import { ProviderButton } from "@/components/oidc/provider-button";
import { findUserById } from "@/db/queries/users";
import { oidcProviderName } from "@/lib/auth/oidc";
import { hasPassword } from "@/lib/auth/password";
import { oidcRefusalMessage } from "./messages";
import { PasskeySignIn } from "./passkey-sign-in";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const reauth = (await searchParams).refresh === "true" && (await getAccess()).kind === "signed_in";
  return { title: reauth ? "Confirm it's you" : "Sign in" };
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.return_to);
  const refresh = params.refresh === "true";
  const access = await getAccess();
  // Set only when OIDC_* are: no provider, no button.
  const provider = oidcProviderName();
  const providerError = provider ? oidcRefusalMessage(params.error, provider) : undefined;

  if (access.kind === "second_factor_due") redirect(secondFactorUrl(returnTo));
  if (access.kind === "signed_in" && !refresh) redirect(returnTo);

  if (access.kind === "signed_in") {
    // Re-authentication: same account, every factor it has, then back to where the user was. An
    // account without a password (made through the provider) confirms through the provider.
    const user = await findUserById(access.session.userId);
    if (provider && user && !hasPassword(user)) {
      return (
        <AuthCard
          title="Confirm it's you"
          description={`This page handles sensitive settings. Sign in with ${provider} again${access.availableAal === "aal2" ? ", then use your second factor" : ""}.`}
          footer={<Link href={reauthCancelUrl(returnTo)} className="text-brand-700 underline-offset-4 hover:underline">Cancel</Link>}
        >
          <FormAlert message={providerError} />
          <p className="mb-4 text-sm text-slate-700">
            Signed in as <strong className="font-medium text-slate-900">{access.session.email}</strong>
          </p>
          <ProviderButton action={startOidcAction} mode="reauth" returnTo={returnTo} label={`Continue with ${provider}`} variant="primary" />
          <Divider />
          <PasskeySignIn returnTo={returnTo} mode="reauth" />
        </AuthCard>
      );
    }
    return (
      <AuthCard
        title="Confirm it's you"
        description={
          access.availableAal === "aal2"
            ? "This page handles sensitive settings. Enter your password, then your second factor."
            : "This page handles sensitive settings. Enter your password to continue."
        }
        footer={<Link href={reauthCancelUrl(returnTo)} className="text-brand-700 underline-offset-4 hover:underline">Cancel</Link>}
      >
        <FormAlert message={providerError} />
        <ConfirmPasswordForm returnTo={returnTo} email={access.session.email} />
        <Divider />
        <PasskeySignIn returnTo={returnTo} mode="reauth" />
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Sign in"
      footer={<>New here? <Link href="/signup" className="font-medium text-brand-700 underline-offset-4 hover:underline">Create an account</Link></>}
    >
      {params.notice === "password_reset" ? (
        <FormAlert tone="success" message="Your password was changed and every session was signed out. Sign in with your new password." />
      ) : null}
      <FormAlert message={providerError} />
      <SignInForm returnTo={returnTo} />
      <p className="mt-3 text-right text-sm">
        {/* Not prefetched: few visitors need it, and prefetching would make every sign-in page load its form's code. */}
        <Link href="/forgot-password" prefetch={false} className="text-brand-700 underline-offset-4 hover:underline">Forgot password?</Link>
      </p>
      <Divider />
      <PasskeySignIn returnTo={returnTo} mode="sign_in" />
      {provider ? (
        <div className="mt-3">
          <ProviderButton action={startOidcAction} mode="sign_in" returnTo={returnTo} label={`Sign in with ${provider}`} />
        </div>
      ) : null}
    </AuthCard>
  );
}

function Divider() {
  return (
    <p className="my-5 flex items-center gap-3 text-xs font-medium uppercase tracking-wide text-slate-500" aria-hidden="true">
      <span className="h-px flex-1 bg-slate-200" />or<span className="h-px flex-1 bg-slate-200" />
    </p>
  );
}
