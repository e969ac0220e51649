"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { requestPasswordResetAction, type ForgotPasswordState } from "./actions";

const EMPTY: ForgotPasswordState = {};

export function ForgotPasswordForm() {
  const [state, formAction] = useActionState(requestPasswordResetAction, EMPTY);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} tone={state.sent ? "success" : "error"} />
      <Field label="Email" name="email" type="email" required maxLength={254} autoComplete="username"
        defaultValue={state.values?.email} errors={state.errors?.email} autoFocus />
      <SubmitButton full>Send reset link</SubmitButton>
    </form>
  );
}
