import Link from "next/link";
import { redirect } from "next/navigation";
import { recoveryCodesAction } from "@/app/actions/recovery-codes";
import { AuthCard } from "@/components/layout/auth-card";
import { RecoveryCodesGenerator } from "@/components/recovery-codes/generator";
import { FormAlert } from "@/components/ui/alert";
import { requireSignedIn } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { getConfig } from "@/lib/config";
import { LOW_RECOVERY_CODES_THRESHOLD, getRecoveryCodesStatus } from "@/lib/mfa/recovery-codes";

export const metadata = { title: "Recovery code used" };

// Link styles matching buttonClass() (components/ui/submit-button.tsx), which lives in a client
// module and so can't be called while rendering on the server.
const PRIMARY_LINK =
  "inline-flex items-center justify-center rounded-lg px-4 py-2 text-sm font-semibold shadow-sm transition bg-brand-600 text-white hover:bg-brand-700";
const TEXT_LINK = "text-brand-700 underline-offset-4 hover:underline";

/**
 * Where "Review security settings" leads: the settings page at its recovery codes section (its
 * privileged gate asks to confirm it's you first if the window has passed; the fragment survives).
 */
const REVIEW_HREF = "/settings/security#recovery-codes";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Shown right after a sign-in with a recovery code, before the user goes on: how many codes are
 * left (never on the sign-in step itself, Discourse's point), with a new set offered at
 * LOW_RECOVERY_CODES_THRESHOLD or fewer and asked for when none are left. The session is fully
 * authenticated here, hence privileged, so the new set can be made on the spot. With more left, the
 * main action is reviewing the security settings (a lost device to replace, a new set to make);
 * Continue stays secondary.
 */
export default async function RecoveryCodeUsedPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.return_to);
  const { session, privileged } = await requireSignedIn(returnTo);
  const saved = params.saved === "1";
  if (!saved && session.amr.at(-1)?.method !== "lookup_secret") redirect(returnTo);

  const here = `/login/2fa/recovery-code-used?${new URLSearchParams({ return_to: returnTo })}`;
  const status = await getRecoveryCodesStatus(session.userId);
  const remaining = status?.remaining ?? 0;
  const lastUsed = status?.used.at(-1)?.number;
  const low = remaining <= LOW_RECOVERY_CODES_THRESHOLD;
  const continueLink = (label: string, primary: boolean) => (
    <Link href={returnTo} className={primary ? `${PRIMARY_LINK} w-full` : TEXT_LINK}>{label}</Link>
  );

  const nudge = (
    <p>
      {remaining === 0
        ? "Generate a new set before you continue: without codes, losing your other second step would lock you out."
        : "Generate a new set now so you don't run out."}
    </p>
  );

  if (saved) {
    return (
      <AuthCard title="New recovery codes saved">
        <FormAlert tone="success" message={`You have ${remaining} new recovery codes. The old ones no longer work.`} />
        {continueLink("Continue", true)}
      </AuthCard>
    );
  }

  const continueLabel = !low ? "Continue" : remaining === 0 ? "Continue without recovery codes" : "Not now, continue";
  return (
    <AuthCard title="Recovery code used" footer={continueLink(continueLabel, false)}>
      <div className="space-y-4 text-sm text-slate-700">
        <p role="status">
          {lastUsed ? <>You signed in with recovery code {lastUsed}; it can&apos;t be used again. </> : null}
          {remaining === 0 ? (
            <strong className="font-semibold text-red-700">That was your last recovery code.</strong>
          ) : (
            <>You have <strong className="font-semibold text-slate-900">{remaining} recovery code{remaining === 1 ? "" : "s"} left</strong>.</>
          )}
        </p>
        {!low ? (
          <>
            <p>
              If you lost your authenticator app or security key, remove it and set up a new one, and generate new recovery
              codes so the old set (which someone may have seen) stops working.
            </p>
            <Link href={REVIEW_HREF} className={`${PRIMARY_LINK} w-full`}>Review security settings</Link>
          </>
        ) : (
          privileged ? (
            // The nudge goes while the new set is on screen (the generator shows it only before).
            <RecoveryCodesGenerator action={recoveryCodesAction} appName={getConfig().APP_NAME} email={session.email} page={here}
              after={`${here}&saved=1`} replacing={remaining > 0} idle={nudge} />
          ) : (
            <>{nudge}<Link href={REVIEW_HREF} className={`${PRIMARY_LINK} w-full`}>Review security settings</Link></>
          )
        )}
      </div>
    </AuthCard>
  );
}
