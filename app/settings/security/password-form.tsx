"use client";

import { useActionState } from "react";
import { NEW_PASSWORD_HINT } from "@/app/(auth)/field-hints";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { changePasswordAction } from "./password-actions";

export function ChangePasswordForm({ email }: { email: string }) {
  const [state, formAction] = useActionState(changePasswordAction, EMPTY_FORM_STATE);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <FormAlert message={state.message} />
      {/* For password managers: which account the new password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field id="new-password" label="New password" name="password" type="password" autoComplete="new-password" required
        errors={state.errors?.password} hint={NEW_PASSWORD_HINT} className="max-w-sm" />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
