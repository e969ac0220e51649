import "server-only";
import { recoveryCodesAction } from "@/app/actions/recovery-codes";
import { RecoveryCodesGenerator } from "@/components/recovery-codes/generator";
import { RecoveryCodesSummary } from "@/components/recovery-codes/summary";
import { Section } from "@/components/ui/section";
import type { Aal } from "@/lib/auth/aal";
import { getConfig } from "@/lib/config";
import { getRecoveryCodesStatus } from "@/lib/mfa/recovery-codes";

/**
 * The settings page's "Recovery codes" section. Rendering only reads: codes generated on an
 * earlier view of the page can't be confirmed any more (lib/security/page-view.ts).
 */
export async function RecoveryCodesPanel({ userId, email, availableAal, emphasise }: {
  userId: string;
  email: string;
  availableAal: Aal;
  /** Right after the first second factor was added: invite the user to make codes now. */
  emphasise: boolean;
}) {
  const status = await getRecoveryCodesStatus(userId);
  const prompt = emphasise && !status;
  return (
    <div className={prompt ? "rounded-2xl ring-2 ring-brand-500 ring-offset-2" : undefined}>
      <Section id="recovery-codes" title="Recovery codes"
        description="One-time codes for signing in when you can't use your authenticator app or security key.">
        {availableAal !== "aal2" ? (
          <p className="text-sm text-slate-700">Set up an authenticator app or a security key first: recovery codes are a backup for them.</p>
        ) : (
          <div className="space-y-4">
            {prompt ? (
              <p className="rounded-lg border border-brand-200 bg-brand-50 px-3 py-2 text-sm text-brand-900">
                <strong className="font-semibold">Next step:</strong> generate recovery codes and keep them safe, so losing your
                phone doesn&apos;t lock you out.
              </p>
            ) : null}
            <RecoveryCodesSummary status={status} />
            <RecoveryCodesGenerator action={recoveryCodesAction} appName={getConfig().APP_NAME} email={email} page="/settings/security" replacing={status !== null} />
          </div>
        )}
      </Section>
    </div>
  );
}
