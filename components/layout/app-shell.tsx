import Link from "next/link";
import type { SecondFactorPolicyState } from "@/lib/auth/second-factor-policy-rule";
import { BrandMark } from "./brand-mark";
import { AccountRecoveryBanner } from "./account-recovery-banner";
import { SecondFactorPolicyBanner } from "./second-factor-policy-banner";

/**
 * Header and page frame for signed-in pages. The sign-out action comes from the page (a server
 * component may pass a server action as a prop): components/ never imports from app/.
 */
export function AppShell({ email, signOut, secondFactorPolicy, accountRecovery, cancelAccountRecovery, children }: {
  email: string;
  signOut: () => Promise<void>;
  /** REQUIRE_SECOND_FACTOR's state for this account (lib/auth/guards.ts hands it to the page); null: no banner. */
  secondFactorPolicy?: SecondFactorPolicyState | null;
  /** An account recovery whose wait runs (lib/auth/guards.ts hands it to the page); null: no banner. */
  accountRecovery?: { finishableAt: Date } | null;
  /** Cancel this recovery's server action, from app/actions/account-recovery.ts. */
  cancelAccountRecovery?: () => Promise<void>;
  children: React.ReactNode;
}) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <BrandMark />
          <nav aria-label="Account" className="flex flex-wrap items-center gap-4 text-sm">
            <Link href="/settings/security" className="text-slate-700 underline-offset-4 hover:underline">Security settings</Link>
            <span className="hidden text-slate-500 sm:inline" title="Signed in as">{email}</span>
            <form action={signOut}>
              <button type="submit" className="rounded-md px-2 py-1 text-slate-700 underline-offset-4 hover:underline">Sign out</button>
            </form>
          </nav>
        </div>
      </header>
      {accountRecovery && cancelAccountRecovery ? <AccountRecoveryBanner recovery={accountRecovery} cancel={cancelAccountRecovery} /> : null}
      {secondFactorPolicy ? <SecondFactorPolicyBanner policy={secondFactorPolicy} /> : null}
      <main id="main" className="mx-auto max-w-3xl px-4 py-8">{children}</main>
    </div>
  );
}
