"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { deleteAccountAction } from "./delete-account-actions";

export function DeleteAccountForm({ email }: { email: string }) {
  const [state, formAction] = useActionState(deleteAccountAction, EMPTY_FORM_STATE);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <FormAlert message={state.message} />
      {/* Typed, not filled in: autocomplete off, so a password manager can't confirm for the user. */}
      <Field id="delete-confirm-email" label="Confirm email" name="confirm_email" type="email" autoComplete="off"
        autoCapitalize="none" autoCorrect="off" spellCheck={false} maxLength={254} required
        errors={state.errors?.confirm_email} hint={<>Type <span className="break-all font-medium text-slate-900">{email}</span> to confirm.</>}
        className="max-w-sm" />
      <SubmitButton variant="danger">Delete account</SubmitButton>
    </form>
  );
}
