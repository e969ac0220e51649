"use client";

import { recoveryCodesAction } from "@/app/actions/recovery-codes";
import { RecoveryCodesGenerator } from "@/components/recovery-codes/generator";
import type { PendingRecoveryCodes } from "@/lib/mfa/recovery-codes";

/**
 * Recovery codes offered right where a second factor was just added, when the account has no
 * confirmed set (app/actions/first-recovery-codes.ts generated them): save and confirm, or skip
 * (the Recovery codes section then keeps reminding).
 */
export function FirstRecoveryCodes({ pending, appName, email }: { pending: PendingRecoveryCodes; appName: string; email: string }) {
  // Skipped, the generator renders nothing, and its intro goes with it.
  const intro = (
    <div className="space-y-1">
      <h3 className="text-base font-semibold text-slate-900">Save your recovery codes</h3>
      <p className="text-sm text-slate-700">
        If you lose this device, a recovery code still lets you sign in. Save them now, before you leave this page.
      </p>
    </div>
  );
  return (
    <RecoveryCodesGenerator action={recoveryCodesAction} appName={appName} email={email} page="/settings/security"
      replacing={false} initial={{ pending }} skipLabel="Skip for now" intro={intro} />
  );
}
