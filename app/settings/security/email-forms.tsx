"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { cancelEmailChangeAction, changeEmailAction, resendVerificationAction } from "./email-actions";

export function ResendVerificationForm() {
  const [state, formAction] = useActionState(resendVerificationAction, EMPTY_FORM_STATE);
  return (
    <form action={formAction}>
      <FormAlert message={state.message} />
      <SubmitButton variant="secondary">Resend verification email</SubmitButton>
    </form>
  );
}

export function ChangeEmailForm() {
  const [state, formAction] = useActionState(changeEmailAction, EMPTY_FORM_STATE);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <FormAlert message={state.message} />
      <Field label="New email" name="new_email" type="email" autoComplete="email" required maxLength={254}
        defaultValue={state.values?.new_email} errors={state.errors?.new_email} className="max-w-sm"
        hint="We'll mail a link to the new address; your address changes when it is opened." />
      <SubmitButton>Change email</SubmitButton>
    </form>
  );
}

export function CancelEmailChangeForm() {
  return (
    <form action={cancelEmailChangeAction}>
      <SubmitButton variant="secondary">Cancel change</SubmitButton>
    </form>
  );
}
