import Link from "next/link";
import { AuthCard } from "@/components/layout/auth-card";
import { Time } from "@/components/ui/time";
import { readAccountRecovery } from "@/lib/auth/account-recovery";
import { readRecoveryCookie } from "@/lib/auth/account-recovery-cookie";
import { FinishRecoveryForm } from "./components";
import { RECOVERY_MESSAGES } from "./messages";

export const metadata = { title: "Account recovery" };

const link = "text-brand-700 underline-offset-4 hover:underline";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Where the mailed recovery link lands, after ./link/route.ts started the wait and moved the token
 * into a cookie: while the wait runs, when it ends; after it, **Finish recovery**. Reads only.
 */
export default async function AccountRecoveryPage({ searchParams }: { searchParams: SearchParams }) {
  const { error } = await searchParams;
  const state = await readAccountRecovery(await readRecoveryCookie());
  if (!state) {
    return (
      <AuthCard title="Account recovery">
        <p role="alert" className="text-sm text-slate-700">{error === "throttled" ? RECOVERY_MESSAGES.throttled : RECOVERY_MESSAGES.expired}</p>
        <p className="mt-4 text-sm"><Link className={link} href="/login">Sign in</Link></p>
      </AuthCard>
    );
  }
  if (state.kind === "waiting") {
    return (
      <AuthCard title="Account recovery started">
        <div role="status" className="space-y-3 text-sm text-slate-700">
          <p>
            The waiting period for <strong className="font-medium text-slate-800">{state.email}</strong> runs until{" "}
            <Time value={state.finishableAt} />. We mailed you about it, and will again before it ends.
          </p>
          <p>
            After that, open the link in the mail again and enter your password to remove your second steps. If you find one of
            them meanwhile, just sign in with it: that cancels the recovery.
          </p>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Finish account recovery"
      description={
        <>
          For <strong className="font-medium text-slate-800">{state.email}</strong>. The waiting period is over. Finishing removes every
          second step of the account (authenticator apps, security keys, passkeys and recovery codes), signs out every session, and
          signs you in with your password alone; then set up a second step again.
        </>
      }
    >
      <FinishRecoveryForm email={state.email} />
    </AuthCard>
  );
}
