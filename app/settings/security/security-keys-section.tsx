"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { useActionState, useState, useTransition } from "react";
import { ceremonyErrorMessage } from "@/components/webauthn/ceremony";
import { FormAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/components/ui/form-state";
import { buttonClass, SubmitButton } from "@/components/ui/submit-button";
import { KEY_NAME_MAX_LENGTH } from "@/lib/mfa/webauthn-limits";
import {
  beginSecurityKeyRegistration,
  finishSecurityKeyRegistration,
  renameSecurityKeyAction,
  securityKeysNeedJavaScript,
  type FinishRegistrationState,
} from "./webauthn-actions";
import { FirstRecoveryCodes } from "./first-recovery-codes";
import { OtherSessionsOffer } from "./other-sessions-offer";

/**
 * Naming and registering a key. The form's own action only answers "needs JavaScript": with
 * JavaScript the submit is taken over to run the WebAuthn ceremony in the browser.
 */
export function AddSecurityKeyForm({ appName, email }: { appName: string; email: string }) {
  const [noScriptState, noScriptAction] = useActionState(securityKeysNeedJavaScript, {} as FormState);
  const [state, setState] = useState<FinishRegistrationState>({});
  const [pending, startTransition] = useTransition();

  function register(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "");
    startTransition(async () => {
      setState({});
      const begun = await beginSecurityKeyRegistration(name);
      if (!begun.ok) {
        setState({ errors: begun.errors, message: begun.message });
        return;
      }
      let response;
      try {
        response = await startRegistration({ optionsJSON: begun.options });
      } catch (error) {
        setState({ message: ceremonyErrorMessage(error, "register") });
        return;
      }
      // On success the action redirects, which re-renders the page with the new key, or (no
      // confirmed recovery codes yet) answers with a fresh set to show here.
      const result = await finishSecurityKeyRegistration(name, response);
      if (result) setState(result);
    });
  }


  const shown = state.message || state.errors ? state : noScriptState;
  return (
    <div className="space-y-5">
      {state.recoveryCodes ? (
        <div className="space-y-4">
          <FormAlert tone="success" message="Security key added. You can use it to sign in." />
          <OtherSessionsOffer others={state.otherSessions ?? 0} />
          <FirstRecoveryCodes pending={state.recoveryCodes} appName={appName} email={email} />
        </div>
      ) : null}
      <form action={noScriptAction} onSubmit={register} className="space-y-3" noValidate>
        <FormAlert message={shown.message} />
        <Field label="Key name" name="name" required maxLength={KEY_NAME_MAX_LENGTH} autoComplete="off"
          placeholder="e.g. Blue YubiKey or This laptop" errors={shown.errors?.name} className="max-w-sm" />
        <button type="submit" disabled={pending} aria-disabled={pending} className={buttonClass("primary")}>
          {pending ? "Waiting for your key…" : "Add security key"}
        </button>
      </form>
    </div>
  );
}

export function RenameSecurityKeyForm({ id, name }: { id: string; name: string }) {
  const [state, formAction] = useActionState(renameSecurityKeyAction, {} as FormState);
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-brand-700 underline-offset-4 hover:underline">Rename</summary>
      <form action={formAction} className="mt-2 flex flex-wrap items-end gap-2" noValidate>
        <input type="hidden" name="credential_id" value={id} />
        <Field label={`New name for ${name}`} name="name" id={`rename-${id}`} defaultValue={name} required
          maxLength={KEY_NAME_MAX_LENGTH} errors={state.errors?.name} />
        <SubmitButton variant="secondary">Save name</SubmitButton>
      </form>
    </details>
  );
}
