"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { PauseCountdown, usePause } from "@/components/ui/pause";
import { SubmitButton } from "@/components/ui/submit-button";
import { NEW_PASSWORD_HINT, RECOVERY_CODE_HINT, totpCodeHint } from "../field-hints";
import type { StepBudget } from "../second-step/budget";
import { setNewPasswordAction, verifyResetRecoveryCodeAction, verifyResetTotpAction } from "./actions";

/** `appName` (APP_NAME) comes from the page: a client component never reads the configuration. */
export function ResetTotpForm({ appName, budget = {} }: { appName: string; budget?: StepBudget }) {
  const [state, formAction] = useActionState(verifyResetTotpAction, EMPTY_FORM_STATE);
  const pause = usePause(state === EMPTY_FORM_STATE ? budget.pausedSeconds : state.retryAfterSeconds, state);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state === EMPTY_FORM_STATE ? budget.notice : state.message} />
      <Field label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code"
        pattern="[0-9 ]*" maxLength={16} required autoFocus errors={state.errors?.code}
        hint={totpCodeHint(appName)} />
      <PauseCountdown pause={pause} />
      <SubmitButton full disabled={pause.remaining > 0}>Verify</SubmitButton>
    </form>
  );
}

export function ResetRecoveryCodeForm({ budget = {} }: { budget?: StepBudget }) {
  const [state, formAction] = useActionState(verifyResetRecoveryCodeAction, EMPTY_FORM_STATE);
  const pause = usePause(state === EMPTY_FORM_STATE ? budget.pausedSeconds : state.retryAfterSeconds, state);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state === EMPTY_FORM_STATE ? budget.notice : state.message} />
      <Field label="Recovery code" name="code" autoComplete="off" autoCapitalize="none" autoCorrect="off"
        spellCheck={false} maxLength={64} required autoFocus errors={state.errors?.code} inputClassName="font-mono"
        hint={RECOVERY_CODE_HINT} />
      <PauseCountdown pause={pause} />
      <SubmitButton full disabled={pause.remaining > 0}>Verify</SubmitButton>
    </form>
  );
}

export function NewPasswordForm({ email }: { email: string }) {
  const [state, formAction] = useActionState(setNewPasswordAction, EMPTY_FORM_STATE);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormAlert message={state.message} />
      {/* For password managers: which account the new password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field label="New password" name="password" type="password" autoComplete="new-password" required autoFocus
        errors={state.errors?.password}
        hint={NEW_PASSWORD_HINT} />
      <SubmitButton full>Set new password</SubmitButton>
    </form>
  );
}
