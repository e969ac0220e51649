import "server-only";
import { recoveryCodesAction } from "@/app/actions/recovery-codes";
import { RecoveryCodesGenerator } from "@/components/recovery-codes/generator";
import { RecoveryCodesSummary } from "@/components/recovery-codes/summary";
import { Section } from "@/components/ui/section";
import type { Aal } from "@/lib/auth/aal";
import { getConfig } from "@/lib/config";
import { getRecoveryCodesStatus, recoveryCodesReminder, type RecoveryCodesReminder } from "@/lib/mfa/recovery-codes";

const REMINDERS: Record<RecoveryCodesReminder, { lead: string; text: string }> = {
  none: { lead: "Next step:", text: "generate recovery codes and keep them safe, so losing your phone or key doesn't lock you out." },
  few_left: { lead: "Running low:", text: "you have 3 or fewer recovery codes left. Generate a new set before you run out." },
  old: { lead: "Time for new codes:", text: "your recovery codes are over a year old. Generate a new set, check you can find it, and throw the old one away." },
};

/**
 * The settings page's "Recovery codes" section. Rendering only reads: codes generated on an
 * earlier view of the page can't be confirmed any more (lib/security/page-view.ts).
 */
export async function RecoveryCodesPanel({ userId, email, availableAal }: {
  userId: string;
  email: string;
  availableAal: Aal;
}) {
  const status = await getRecoveryCodesStatus(userId);
  const reminder = availableAal === "aal2" ? recoveryCodesReminder(status) : null;
  const prompt = reminder !== null;
  return (
    <div className={prompt ? "rounded-2xl ring-2 ring-brand-500 ring-offset-2 has-[[data-codes-shown]]:ring-0 has-[[data-codes-shown]]:ring-offset-0" : undefined}>
      <Section id="recovery-codes" title="Recovery codes"
        description="One-time codes for signing in when you can't use your authenticator app or security key.">
        {availableAal !== "aal2" ? (
          <p className="text-sm text-slate-700">Set up an authenticator app or a security key first: recovery codes are a backup for them.</p>
        ) : (
          <RecoveryCodesGenerator action={recoveryCodesAction} appName={getConfig().APP_NAME} email={email} page="/settings/security"
            replacing={status !== null} idle={
              <>
                {reminder ? (
                  <p role="note" aria-label="Recovery codes reminder" className="rounded-lg border border-brand-200 bg-brand-50 px-3 py-2 text-sm text-brand-900">
                    <strong className="font-semibold">{REMINDERS[reminder].lead}</strong> {REMINDERS[reminder].text}
                  </p>
                ) : null}
                <RecoveryCodesSummary status={status} />
              </>
            } />
        )}
      </Section>
    </div>
  );
}
