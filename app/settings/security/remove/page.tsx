import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { cancelAccountRecoveryAction } from "@/app/actions/account-recovery";
import { SubmitButton } from "@/components/ui/submit-button";
import { requirePrivileged } from "@/lib/auth/guards";
import { toPrintableLine } from "@/lib/mfa/factor-name";
import { previewRemoval, type FactorSummary } from "@/lib/mfa/removal-preview";
import { removeFactorAction } from "./actions";
import { opaqueIdSchema } from "@/lib/security/action-input";

export const metadata = { title: "Remove a second step" };

const SETTINGS = "/settings/security";
const paramsSchema = z.object({ factor: z.enum(["totp", "webauthn"]), id: opaqueIdSchema });

const KIND_NAMES: Record<FactorSummary["kind"], string> = { app: "authenticator app", key: "security key", passkey: "passkey" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The confirmation step before a factor goes: a page of its own, so it works without JavaScript.
 * It says what follows (which second steps remain, or that 2FA turns off and the recovery codes
 * go with the last one) and asks for **Remove** again; a passkey that is the account's only way
 * in gets no Remove at all, only why (lib/mfa/ways-in.ts). Rendering only reads.
 */
export default async function RemoveFactorPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const parsed = paramsSchema.safeParse({ factor: raw.factor, id: raw.id });
  const self = parsed.success ? `${SETTINGS}/remove?factor=${parsed.data.factor}&id=${encodeURIComponent(parsed.data.id)}` : SETTINGS;
  const { session, secondFactorPolicy, accountRecovery } = await requirePrivileged(self);
  if (!parsed.success) redirect(`${SETTINGS}?notice=factor-missing`);
  const preview = await previewRemoval(session.userId, parsed.data.factor, parsed.data.id);
  if (!preview) redirect(`${SETTINGS}?notice=factor-missing`);
  const name = toPrintableLine(preview.factor.name);
  const kind = KIND_NAMES[preview.factor.kind];

  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}
      accountRecovery={accountRecovery} cancelAccountRecovery={cancelAccountRecoveryAction}>
      <p className="text-sm"><Link href={SETTINGS} className="text-brand-700 underline underline-offset-4">← Security settings</Link></p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Remove this {kind}?</h1>
      <section aria-labelledby="remove-what" className="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
        <h2 id="remove-what" className="break-words text-lg font-semibold">{name}</h2>
        <p className="text-sm text-slate-700">Once removed, this {kind} can no longer be used to sign in to your account.</p>
        {preview.onlyWayIn ? (
          <div role="note" aria-label="Why it can't be removed" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <p className="font-semibold">This passkey is the only way to sign in to your account.</p>
            <p className="mt-1">
              Your account has no password and no linked identity, so without this passkey nobody could sign in to it. Set a password,
              link an identity or add another passkey in your security settings first; then you can remove this one.
            </p>
          </div>
        ) : preview.lastSecondFactor ? (
          <div role="note" aria-label="What follows" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <p className="font-semibold">This is your last second step.</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              <li>Two-step verification turns off: your password alone will sign you in.</li>
              {preview.recoveryCodesLeft !== null ? (
                <li>Your recovery codes ({preview.recoveryCodesLeft} left) are deleted too: they only back up a second step.</li>
              ) : null}
            </ul>
          </div>
        ) : (
          <div role="note" aria-label="What follows" className="text-sm text-slate-700">
            <p>You will still sign in with a second step. These remain:</p>
            <ul aria-label="Second steps that remain" className="mt-1 list-disc space-y-1 pl-5">
              {preview.remaining.map((factor, i) => (
                <li key={i}><span className="font-medium text-slate-900">{toPrintableLine(factor.name)}</span> ({KIND_NAMES[factor.kind]})</li>
              ))}
              {preview.recoveryCodesLeft !== null ? <li>Your recovery codes ({preview.recoveryCodesLeft} left)</li> : null}
            </ul>
          </div>
        )}
        <div className="flex flex-wrap items-center gap-3 pt-2">
          {preview.onlyWayIn ? null : (
            <form action={removeFactorAction}>
              <input type="hidden" name="factor" value={parsed.data.factor} />
              <input type="hidden" name="id" value={parsed.data.id} />
              <SubmitButton variant="danger">Remove</SubmitButton>
            </form>
          )}
          <Link href={SETTINGS} className="text-sm text-brand-700 underline underline-offset-4">{preview.onlyWayIn ? "Back to security settings" : "Cancel"}</Link>
        </div>
      </section>
    </AppShell>
  );
}
