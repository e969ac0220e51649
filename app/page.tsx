import Link from "next/link";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { requireSignedIn } from "@/lib/auth/guards";

export default async function HomePage() {
  const { session, availableAal, secondFactorPolicy } = await requireSignedIn("/");
  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}>
      <h1 className="text-2xl font-semibold tracking-tight">Welcome back</h1>
      <p className="mt-2 text-slate-600">You are signed in as <strong className="font-medium text-slate-900">{session.email}</strong>.</p>
      <div className="mt-6 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold">Account security</h2>
        <p className="mt-1 text-sm text-slate-600">
          {availableAal === "aal2"
            ? "Two-step verification is on: signing in takes your password and a second factor, or a passkey alone."
            : "Two-step verification is off. Add an authenticator app or a security key so a stolen password isn't enough."}
        </p>
        <Link href="/settings/security" className="mt-4 inline-flex rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700">
          Security settings
        </Link>
      </div>
    </AppShell>
  );
}
