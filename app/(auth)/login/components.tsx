"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { useFocusOnError } from "@/components/ui/use-focus-on-error";
import { PauseCountdown, usePause } from "@/components/ui/pause";
import { SubmitButton } from "@/components/ui/submit-button";
import { signInAction } from "./actions";

export function SignInForm({ returnTo }: { returnTo: string }) {
  const [state, formAction] = useActionState(signInAction, EMPTY_FORM_STATE);
  const formRef = useFocusOnError(state);
  const pause = usePause(state.retryAfterSeconds, state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} />
      <input type="hidden" name="return_to" value={returnTo} />
      <input type="hidden" name="mode" value="sign_in" />
      <Field label="Email" name="email" type="email" required maxLength={254} autoComplete="username webauthn"
        defaultValue={state.values?.email} errors={state.errors?.email} autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required
        errors={state.errors?.password} />
      <PauseCountdown pause={pause} />
      <SubmitButton full disabled={pause.remaining > 0}>Sign in</SubmitButton>
    </form>
  );
}

/**
 * Re-authentication of the signed-in account: it is named, not asked for; only the password is.
 * The account's address rides along, hidden, for password managers to pick the right entry.
 */
export function ConfirmPasswordForm({ returnTo, email }: { returnTo: string; email: string }) {
  const [state, formAction] = useActionState(signInAction, EMPTY_FORM_STATE);
  const formRef = useFocusOnError(state);
  const pause = usePause(state.retryAfterSeconds, state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} />
      <input type="hidden" name="return_to" value={returnTo} />
      <input type="hidden" name="mode" value="reauth" />
      <p className="text-sm text-slate-700">
        Signed in as <strong className="font-medium text-slate-900">{email}</strong>
      </p>
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required
        errors={state.errors?.password} autoFocus />
      <PauseCountdown pause={pause} />
      <SubmitButton full disabled={pause.remaining > 0}>Confirm</SubmitButton>
    </form>
  );
}
