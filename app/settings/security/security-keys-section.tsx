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
  removeSecurityKeyAction,
  renameSecurityKeyAction,
  securityKeysNeedJavaScript,
} from "./webauthn-actions";

/**
 * Naming and registering a key. The form's own action only answers "needs JavaScript": with
 * JavaScript the submit is taken over to run the WebAuthn ceremony in the browser.
 */
export function AddSecurityKeyForm() {
  const [noScriptState, noScriptAction] = useActionState(securityKeysNeedJavaScript, {} as FormState);
  const [state, setState] = useState<FormState>({});
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
      // On success the action redirects, which re-renders the page with the new key.
      const result = await finishSecurityKeyRegistration(name, response);
      if (result) setState(result);
    });
  }

  const shown = state.message || state.errors ? state : noScriptState;
  return (
    <form action={noScriptAction} onSubmit={register} className="space-y-3" noValidate>
      <FormAlert message={shown.message} />
      <Field label="Key name" name="name" required maxLength={KEY_NAME_MAX_LENGTH} autoComplete="off"
        placeholder="e.g. Blue YubiKey or This laptop" errors={shown.errors?.name} className="max-w-sm" />
      <button type="submit" disabled={pending} aria-disabled={pending} className={buttonClass("primary")}>
        {pending ? "Waiting for your key…" : "Add security key"}
      </button>
    </form>
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

export function RemoveSecurityKeyForm({ id, name }: { id: string; name: string }) {
  return (
    <form action={removeSecurityKeyAction}>
      <input type="hidden" name="credential_id" value={id} />
      <SubmitButton variant="danger" aria-label={`Remove ${name}`}>Remove</SubmitButton>
    </form>
  );
}
