import type { FormState } from "@/components/ui/form-state";
import type { PendingRecoveryCodes } from "@/lib/mfa/recovery-codes";

/**
 * What the recovery-codes action returns to the generator: while `pending` is set, the new codes
 * are on screen (and, sealed, in the confirm form). Types only, shared by the UI here and the
 * action in app/actions/recovery-codes.ts.
 */
export interface RecoveryCodesState extends FormState {
  pending?: PendingRecoveryCodes;
}

export type RecoveryCodesAction = (previous: RecoveryCodesState, input: FormData) => Promise<RecoveryCodesState>;
