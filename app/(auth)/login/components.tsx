"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { signInAction } from "./actions";

export function SignInForm({ returnTo, fixedEmail }: { returnTo: string; fixedEmail?: string }) {
  const [state, formAction] = useActionState(signInAction, EMPTY_FORM_STATE);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} />
      <input type="hidden" name="return_to" value={returnTo} />
      {/* The re-authentication page (a fixed email) appends to the session; a sign-in starts one. */}
      <input type="hidden" name="mode" value={fixedEmail ? "reauth" : "sign_in"} />
      <Field label="Email" name="email" type="email" required maxLength={254}
        autoComplete={fixedEmail ? "username" : "username webauthn"}
        defaultValue={state.values?.email ?? fixedEmail} errors={state.errors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required
        errors={state.errors?.password} autoFocus={Boolean(fixedEmail)} />
      <SubmitButton full>Sign in</SubmitButton>
    </form>
  );
}
