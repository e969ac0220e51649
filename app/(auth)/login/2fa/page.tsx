import Link from "next/link";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/actions/sign-out";
import { AuthCard } from "@/components/layout/auth-card";
import { mayCompleteSecondFactor } from "@/lib/auth/flow";
import { getAccess } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { enrolledMethods, type SecondFactorMethodId } from "@/lib/mfa";
import { TotpStepForm } from "./components";
import { RecoveryCodeForm } from "./recovery-code-form";

export const metadata = { title: "Verify it's you" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const METHOD_LABELS: Record<SecondFactorMethodId, string> = {
  totp: "Authenticator app",
  webauthn: "Security key or passkey",
  lookup_secret: "Recovery code",
};

export default async function SecondFactorPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.return_to);
  const access = await getAccess();
  if (!mayCompleteSecondFactor(access)) redirect(access.kind === "anonymous" ? "/login" : returnTo);

  const methods = await enrolledMethods(access.session.userId);
  const requested = typeof params.method === "string" ? (params.method as SecondFactorMethodId) : undefined;
  const method = requested && methods.includes(requested) ? requested : methods[0];
  const others = methods.filter((m) => m !== method);
  const linkFor = (m: SecondFactorMethodId) =>
    `/login/2fa?${new URLSearchParams({ method: m, ...(returnTo !== "/" ? { return_to: returnTo } : {}) })}`;

  return (
    <AuthCard
      title="Two-step verification"
      description={<>Signing in as <strong className="font-medium text-slate-800">{access.session.email}</strong>.</>}
      footer={
        <form action={signOutAction}>
          <button type="submit" className="text-indigo-700 underline-offset-4 hover:underline">Cancel and sign out</button>
        </form>
      }
    >
      {method === "totp" ? <TotpStepForm returnTo={returnTo} /> : null}
      {method === "lookup_secret" ? <RecoveryCodeForm returnTo={returnTo} /> : null}
      {others.length > 0 ? (
        <nav aria-label="Other ways to verify" className="mt-6 border-t border-slate-200 pt-4">
          <p className="text-sm font-medium text-slate-700">Try another way</p>
          <ul className="mt-2 space-y-1 text-sm">
            {others.map((m) => (
              <li key={m}><Link className="text-indigo-700 underline-offset-4 hover:underline" href={linkFor(m)}>{METHOD_LABELS[m]}</Link></li>
            ))}
          </ul>
        </nav>
      ) : null}
    </AuthCard>
  );
}
