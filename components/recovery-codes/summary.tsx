import { Time } from "@/components/ui/time";
import type { RecoveryCodesStatus } from "@/lib/mfa/recovery-codes";

/** How many codes of the valid set are left, which were used and when (never the codes). */
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
