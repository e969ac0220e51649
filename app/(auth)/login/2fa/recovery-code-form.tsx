"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { useFocusOnError } from "@/components/ui/use-focus-on-error";
import { PauseCountdown, usePause } from "@/components/ui/pause";
import { SubmitButton } from "@/components/ui/submit-button";
import { RECOVERY_CODE_HINT } from "../../field-hints";
import type { StepBudget } from "../../second-step/budget";
import { verifySecondFactorAction } from "./actions";

/** The second step with one of the saved codes. How many are left is shown only after sign-in. */
export function RecoveryCodeForm({ returnTo, budget = {} }: { returnTo: string; budget?: StepBudget }) {
  const [state, formAction] = useActionState(verifySecondFactorAction, EMPTY_FORM_STATE);
  const formRef = useFocusOnError(state);
  // The page's pause until this form has an answer of its own.
  const pause = usePause(state === EMPTY_FORM_STATE ? budget.pausedSeconds : state.retryAfterSeconds, state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state === EMPTY_FORM_STATE ? budget.notice : state.message} />
      <input type="hidden" name="method" value="lookup_secret" />
      <input type="hidden" name="return_to" value={returnTo} />
      <Field label="Recovery code" name="code" autoComplete="off" autoCapitalize="none" autoCorrect="off"
        spellCheck={false} maxLength={64} required autoFocus errors={state.errors?.code}
        inputClassName="font-mono"
        hint={RECOVERY_CODE_HINT} />
      <PauseCountdown pause={pause} />
      <SubmitButton full disabled={pause.remaining > 0}>Verify</SubmitButton>
    </form>
  );
}
