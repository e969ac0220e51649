"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { useFocusOnError } from "@/components/ui/use-focus-on-error";
import { SubmitButton } from "@/components/ui/submit-button";
import { NEW_PASSWORD_HINT } from "../field-hints";
import { signUpAction } from "./actions";

export function SignUpForm() {
  const [state, formAction] = useActionState(signUpAction, EMPTY_FORM_STATE);
  const formRef = useFocusOnError(state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} />
      <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={254}
        defaultValue={state.values?.email} errors={state.errors?.email} autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required
        minLength={8} maxLength={128} errors={state.errors?.password}
        hint={NEW_PASSWORD_HINT} />
      <SubmitButton full>Create account</SubmitButton>
    </form>
  );
}
