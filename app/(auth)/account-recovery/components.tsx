"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { useFocusOnError } from "@/components/ui/use-focus-on-error";
import { finishAccountRecoveryAction } from "./actions";

/** After the wait: the account's password, then **Finish recovery**. */
export function FinishRecoveryForm({ email }: { email: string }) {
  const [state, formAction] = useActionState(finishAccountRecoveryAction, EMPTY_FORM_STATE);
  const formRef = useFocusOnError(state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} />
      {/* For password managers: which account the password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required autoFocus
        errors={state.errors?.password} />
      <SubmitButton full variant="danger">Finish recovery</SubmitButton>
    </form>
  );
}
