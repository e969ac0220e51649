import { Section } from "@/components/ui/section";
import { Time } from "@/components/ui/time";
import { getEmailStatus } from "@/lib/auth/email-address";
import { CancelEmailChangeForm, ChangeEmailForm, ResendVerificationForm } from "./email-forms";

/**
 * The Email section (docs/contract.md): the address and whether it is verified, a pending change
 * with its Cancel, and the form for a new address. Its actions: ./email-actions.ts.
 */
export async function EmailSection({ userId }: { userId: string }) {
  const status = await getEmailStatus(userId);
  if (!status) return null;
  return (
    <Section id="email" title="Email" description="Where we send sign-in alerts and password reset links.">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="break-all text-sm text-slate-700">
          <span className="font-medium text-slate-900">{status.email}</span>
          {" · "}
          {status.verified ? (
            <span className="font-medium text-emerald-700">Verified</span>
          ) : (
            <span className="font-medium text-amber-800">Not verified</span>
          )}
        </p>
        {status.verified ? null : <ResendVerificationForm />}
      </div>
      {status.verified ? null : (
        <p className="mt-2 text-sm text-slate-600">Open the link we mailed to this address to confirm it is yours.</p>
      )}
      {status.pendingChange ? (
        <div role="group" aria-label="Pending email change"
          className="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="break-all">
            Waiting for you to open the link sent to <strong className="font-medium">{status.pendingChange.email}</strong> (until{" "}
            <Time value={status.pendingChange.expiresAt} />). Until then your address stays as it is.
          </p>
          <CancelEmailChangeForm />
        </div>
      ) : null}
      <div className="mt-5 border-t border-slate-200 pt-4">
        <ChangeEmailForm />
      </div>
    </Section>
  );
}
