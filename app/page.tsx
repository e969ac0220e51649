import Link from "next/link";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { requireSignedIn } from "@/lib/auth/guards";
import { signInWays } from "@/lib/auth/sign-in-ways";
import { isFirstSession } from "@/lib/security/audit";
import { homeText } from "./home-text";

export default async function HomePage() {
  const { session, secondFactorPolicy } = await requireSignedIn("/");
  const [firstSession, ways] = await Promise.all([isFirstSession(session.userId, session.createdAt), signInWays(session.userId)]);
  const text = homeText({ firstSession, amr: session.amr, ways });
  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}>
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
