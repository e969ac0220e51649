"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { enrolTotpAction, removeTotpAction, type TotpEnrolmentState } from "./actions";

export function TotpEnrolForm() {
  const [state, formAction] = useActionState(enrolTotpAction, {} as TotpEnrolmentState);
  const enrolment = state.enrolment;
  if (!enrolment) {
    return (
      <form action={formAction}>
        <FormAlert message={state.message} />
        <input type="hidden" name="intent" value="start" />
        <SubmitButton>Set up authenticator app</SubmitButton>
      </form>
    );
  }
  return (
    <form action={formAction} className="space-y-4">
      <FormAlert message={state.message} />
      <input type="hidden" name="intent" value="confirm" />
      <input type="hidden" name="sealed" value={enrolment.sealed} />
      <ol className="list-decimal space-y-4 pl-5 text-sm text-slate-700">
        <li>
          Scan this QR code with your authenticator app (Google Authenticator, 1Password, Authy, …).
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URI made on the server */}
          <img src={enrolment.qrCodeDataUrl} alt="QR code for setting up your authenticator app"
            width={192} height={192} className="mt-3 h-48 w-48 rounded-lg border border-slate-200 bg-white" />
        </li>
        <li>
          Can&apos;t scan? Enter this setup key instead:
          <p className="mt-2">
            <code id="totp-setup-key" aria-label="Setup key" className="inline-block break-words rounded-md bg-slate-100 px-3 py-2 font-mono text-base tracking-wider text-slate-900">
              {enrolment.setupKey}
            </code>
          </p>
        </li>
        <li>Enter the 6-digit code your app now shows.</li>
      </ol>
      <Field label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code"
        maxLength={16} required errors={state.errors?.code} className="max-w-xs" />
      <SubmitButton>Verify</SubmitButton>
    </form>
  );
}

export function RemoveTotpForm() {
  return (
    <form action={removeTotpAction}>
      <SubmitButton variant="danger">Remove</SubmitButton>
    </form>
  );
}
