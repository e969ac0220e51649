import "server-only";
import { headers } from "next/headers";
import { Section } from "@/components/ui/section";
import { Time } from "@/components/ui/time";
import type { Aal } from "@/lib/auth/aal";
import { getConfig } from "@/lib/config";
import { discardPendingRecoveryCodes, getRecoveryCodesStatus, type RecoveryCodesStatus } from "@/lib/mfa/recovery-codes";
import { isPageView } from "@/lib/security/request-kind";
import { RecoveryCodesGenerator } from "./recovery-codes-section";

/**
 * Unconfirmed codes live only as long as they are on screen: any plain view of a page that shows
 * the generator discards the session's pending sets (the render right after "Generate" is not a
 * plain view, see lib/security/request-kind.ts). Returns the status to show.
 */
export async function loadRecoveryCodesForView(userId: string, sessionId: string): Promise<RecoveryCodesStatus | null> {
  if (isPageView(await headers())) await discardPendingRecoveryCodes(userId, sessionId);
  return getRecoveryCodesStatus(userId);
}

/** The settings page's "Recovery codes" section. */
export async function RecoveryCodesPanel({ userId, sessionId, email, availableAal, emphasise }: {
  userId: string;
  sessionId: string;
  email: string;
  availableAal: Aal;
  /** Right after the first second factor was added: invite the user to make codes now. */
  emphasise: boolean;
}) {
  const status = await loadRecoveryCodesForView(userId, sessionId);
  const prompt = emphasise && !status;
  return (
    <div className={prompt ? "rounded-2xl ring-2 ring-indigo-500 ring-offset-2" : undefined}>
      <Section id="recovery-codes" title="Recovery codes"
        description="One-time codes for signing in when you can't use your authenticator app or security key.">
        {availableAal !== "aal2" ? (
          <p className="text-sm text-slate-700">Set up an authenticator app or a security key first: recovery codes are a backup for them.</p>
        ) : (
          <div className="space-y-4">
            {prompt ? (
              <p className="rounded-lg border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900">
                <strong className="font-semibold">Next step:</strong> generate recovery codes and keep them safe, so losing your
                phone doesn&apos;t lock you out.
              </p>
            ) : null}
            <RecoveryCodesSummary status={status} />
            <RecoveryCodesGenerator appName={getConfig().APP_NAME} email={email} page="/settings/security" replacing={status !== null} />
          </div>
        )}
      </Section>
    </div>
  );
}

export function RecoveryCodesSummary({ status }: { status: RecoveryCodesStatus | null }) {
  if (!status) return <p className="text-sm text-slate-700">You have no recovery codes.</p>;
  return (
    <div className="space-y-2 text-sm text-slate-700">
      <p>
        <span className="font-medium text-slate-900">{status.remaining} of {status.total} codes left</span> · generated{" "}
        <Time value={status.createdAt} />
      </p>
      {status.used.length > 0 ? (
        <div>
          <p>Used:</p>
          <ul aria-label="Used recovery codes" className="mt-1 list-disc space-y-1 pl-5">
            {status.used.map((use) => (
              <li key={use.number}>Code {use.number}, <Time value={use.usedAt} /></li>
            ))}
          </ul>
        </div>
      ) : null}
      {status.remaining === 0 ? (
        <p className="font-medium text-red-700">You have used every code. Generate a new set.</p>
      ) : null}
    </div>
  );
}
