"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { useState, useTransition } from "react";
import { ceremonyErrorMessage } from "@/components/webauthn/ceremony";
import { FormAlert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/submit-button";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { verifySecondFactorAction } from "./actions";
import { beginSecurityKeyStep } from "./webauthn-actions";

export function SecurityKeyStep({ returnTo }: { returnTo: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();

  function verify() {
    startTransition(async () => {
      setMessage(undefined);
      const options = await beginSecurityKeyStep(returnTo);
      let response;
      try {
        response = await startAuthentication({ optionsJSON: options });
      } catch (error) {
        setMessage(ceremonyErrorMessage(error, "authenticate"));
        return;
      }
      // The same action and fields as the code forms, with the assertion as the method's input.
      const form = new FormData();
      form.set("method", "webauthn");
      form.set("response", JSON.stringify(response));
      form.set("return_to", returnTo);
      const result = await verifySecondFactorAction(EMPTY_FORM_STATE, form);
      if (result?.message) setMessage(result.message);
    });
  }

  return (
    <div className="space-y-4">
      <FormAlert message={message} />
      <p className="text-sm text-slate-600">Insert or touch your security key, or use this device&apos;s screen lock, when your browser asks.</p>
      <noscript>
        <p className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Security keys need JavaScript. Turn it on, or choose another way below.
        </p>
      </noscript>
      <button type="button" onClick={verify} disabled={pending} aria-disabled={pending} className={buttonClass("primary", true)}>
        {pending ? "Waiting for your key…" : "Use a security key"}
      </button>
    </div>
  );
}
