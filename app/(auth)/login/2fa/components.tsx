"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { useFocusOnError } from "@/components/ui/use-focus-on-error";
import { PauseCountdown, usePause } from "@/components/ui/pause";
import { SubmitButton } from "@/components/ui/submit-button";
import { totpCodeHint } from "../../field-hints";
import type { StepBudget } from "../../second-step/budget";
import { verifySecondFactorAction } from "./actions";

/** `appName` (APP_NAME) comes from the page: a client component never reads the configuration. */
export function TotpStepForm({ appName, returnTo, budget = {} }: { appName: string; returnTo: string; budget?: StepBudget }) {
  const [state, formAction] = useActionState(verifySecondFactorAction, EMPTY_FORM_STATE);
  const formRef = useFocusOnError(state);
  // The page's pause until this form has an answer of its own.
  const pause = usePause(state === EMPTY_FORM_STATE ? budget.pausedSeconds : state.retryAfterSeconds, state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state === EMPTY_FORM_STATE ? budget.notice : state.message} />
      <input type="hidden" name="method" value="totp" />
      <input type="hidden" name="return_to" value={returnTo} />
      <Field label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code"
        pattern="[0-9 ]*" maxLength={16} required autoFocus errors={state.errors?.code}
        hint={totpCodeHint(appName)} />
      <PauseCountdown pause={pause} />
      <SubmitButton full disabled={pause.remaining > 0}>Verify</SubmitButton>
    </form>
  );
}
