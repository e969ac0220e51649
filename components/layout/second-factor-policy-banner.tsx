import Link from "next/link";
import { Time } from "@/components/ui/time";
import type { SecondFactorPolicyState } from "@/lib/auth/second-factor-policy-rule";

/** REQUIRE_SECOND_FACTOR's banner on every signed-in page: the deadline, and where to set one up. */
export function SecondFactorPolicyBanner({ policy }: { policy: SecondFactorPolicyState }) {
  const what = policy.missing === "second_factor" ? "a second step (an authenticator app or a security key) and recovery codes" : "recovery codes";
  return (
    <div role="region" aria-label="Two-step verification required" className="border-b border-amber-300 bg-amber-50">
      <div className="mx-auto max-w-3xl px-4 py-3 text-sm text-amber-900">
        {policy.enforced ? (
          <p>
            <strong className="font-semibold">Two-step verification is required.</strong> The deadline was{" "}
            <Time value={policy.deadline} />. Set up {what} to use your account again.
          </p>
        ) : (
          <p>
            <strong className="font-semibold">Two-step verification will be required.</strong> Set up {what} by{" "}
            <Time value={policy.deadline} />; after that, signing in leads only to setting it up.
          </p>
        )}
        <p className="mt-1"><Link href="/settings/security#totp-title" className="font-medium underline underline-offset-4">Set up two-step verification</Link></p>
      </div>
    </div>
  );
}
