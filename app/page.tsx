import Link from "next/link";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { cancelAccountRecoveryAction } from "@/app/actions/account-recovery";
import { requireSignedIn } from "@/lib/auth/guards";
import { signInWays } from "@/lib/auth/sign-in-ways";
import { isFirstSession } from "@/lib/security/audit";
import { homeText } from "./home-text";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function HomePage({ searchParams }: { searchParams: SearchParams }) {
  const { notice } = await searchParams;
  const { session, secondFactorPolicy, accountRecovery } = await requireSignedIn("/");
  const [firstSession, ways] = await Promise.all([isFirstSession(session.userId, session.createdAt), signInWays(session.userId)]);
  const text = homeText({ firstSession, amr: session.amr, ways });
  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}
      accountRecovery={accountRecovery} cancelAccountRecovery={cancelAccountRecoveryAction}>
      {notice === "recovery-cancelled" && !accountRecovery ? (
        <p role="status" className="mb-6 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Account recovery cancelled. Your second steps stay as they are. If you didn&apos;t start it, change your password: whoever did knows it.
        </p>
      ) : null}
      <h1 className="text-2xl font-semibold tracking-tight">{text.greeting}</h1>
      <p className="mt-2 text-slate-600">
        You are signed in as <strong className="font-medium text-slate-900">{session.email}</strong>.
        {text.thisSession ? <> {text.thisSession}</> : null}
      </p>
      <section aria-labelledby="home-security" className="mt-6 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="home-security" className="text-lg font-semibold">Account security</h2>
        <p className="mt-1 text-sm text-slate-600">{text.security.join(" ")}</p>
        <Link href="/settings/security" className="mt-4 inline-flex rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700">
          Security settings
        </Link>
      </section>
    </AppShell>
  );
}
