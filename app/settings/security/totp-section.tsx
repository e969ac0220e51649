"use client";

import { useActionState, useEffect } from "react";
import { FormAlert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { useFocusOnError } from "@/components/ui/use-focus-on-error";
import { KEY_NAME_MAX_LENGTH } from "@/lib/mfa/webauthn-limits";
import { enrolTotpAction, type TotpEnrolmentState } from "./actions";
import { FirstRecoveryCodes } from "./first-recovery-codes";
import { OtherSessionsOffer } from "./other-sessions-offer";

/**
 * Setting up an authenticator app: App name → QR code and setup key → Authentication code. Adding
 * one never touches the account's other apps or its recovery codes.
 */
export function TotpEnrolForm({ defaultName, another, appName, email }: {
  /** What the App name field starts with: "Authenticator app", or "Authenticator app 2" and on. */
  defaultName: string;
  /** The account has an app already: the button says "another". */
  another: boolean;
  appName: string;
  email: string;
}) {
  const [state, formAction] = useActionState(enrolTotpAction, {} as TotpEnrolmentState);
  const formRef = useFocusOnError(state);
  // A wrong code stays in the field, selected, so typing the next one replaces it and a typo can be
  // seen beside the error (without JavaScript it is back in the field too, just not selected).
  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.select();
  }, [state, formRef]);
  const enrolment = state.enrolment;
  if (!enrolment) {
    return (
      <div className="space-y-5">
        <FormAlert tone="info" message={state.cancelled ? "Setup cancelled. No authenticator app was added." : undefined} />
        {state.added ? (
          <div className="space-y-4">
            <FormAlert tone="success" message={`Authenticator app added: ${state.added.name}. You'll be asked for a code when you sign in.`} />
            <OtherSessionsOffer others={state.added.otherSessions} />
            <FirstRecoveryCodes pending={state.added.recoveryCodes} appName={appName} email={email} />
          </div>
        ) : null}
        <form action={formAction} className="space-y-3" noValidate>
          <FormAlert message={state.message} />
          <input type="hidden" name="intent" value="start" />
          <Field label="App name" name="name" id="totp-app-name" required maxLength={KEY_NAME_MAX_LENGTH} autoComplete="off"
            defaultValue={defaultName} hint="To tell your apps apart, e.g. the phone or password manager it is on."
            errors={state.errors?.name} className="max-w-sm" />
          <SubmitButton>{another ? "Set up another authenticator app" : "Set up authenticator app"}</SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <form ref={formRef} action={formAction} className="space-y-4">
      <FormAlert message={state.message} />
      <input type="hidden" name="sealed" value={enrolment.sealed} />
      <p className="text-sm text-slate-700">Setting up <span className="font-medium text-slate-900">{enrolment.name}</span>.</p>
      <ol className="list-decimal space-y-4 pl-5 text-sm text-slate-700">
        <li>
          Scan this QR code with your authenticator app (Google Authenticator, 1Password, Authy, …).
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URI made on the server */}
          <img src={enrolment.qrCodeDataUrl} alt="QR code for setting up your authenticator app"
            width={192} height={192} className="mt-3 h-48 w-48 rounded-lg border border-slate-200 bg-white" />
        </li>
        <li>
          Can&apos;t scan? Enter this setup key instead:
          <span className="mt-2 flex flex-wrap items-center gap-3">
            <code id="totp-setup-key" aria-label="Setup key" className="inline-block max-w-full break-words rounded-md bg-slate-100 px-3 py-2 font-mono text-base tracking-wider text-slate-900">
              {enrolment.setupKey}
            </code>
            {/* The key without its reading spaces: some apps refuse them when pasted. */}
            <CopyButton text={enrolment.setupKey.replace(/\s+/g, "")} label="Copy key" />
          </span>
        </li>
        <li>Enter the 6-digit code your app now shows.</li>
      </ol>
      <Field label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code"
        maxLength={16} required errors={state.errors?.code} defaultValue={state.values?.code} autoFocus={Boolean(state.errors?.code)}
        className="max-w-xs" />
      <div className="flex flex-wrap gap-3">
        {/* First in the form, so Enter in the code field verifies (implicit submission sends its value). */}
        <SubmitButton name="intent" value="confirm">Verify</SubmitButton>
        <SubmitButton name="intent" value="cancel" variant="secondary" formNoValidate>Cancel</SubmitButton>
      </div>
    </form>
  );
}
