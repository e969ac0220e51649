"use client";

import { browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService } from "@simplewebauthn/browser";
import { useEffect, useState, useTransition } from "react";
import { ceremonyErrorMessage } from "@/components/webauthn/ceremony";
import { FormAlert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/submit-button";
import { beginPasskeySignIn, finishPasskeySignIn } from "./passkey-actions";

/**
 * "Sign in with a passkey", plus browser autofill of passkeys on the email field (conditional
 * mediation) where supported: the browser offers saved passkeys as the user focuses the field.
 */
export function PasskeySignIn({ returnTo }: { returnTo: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();

  async function finish(response: Awaited<ReturnType<typeof startAuthentication>>) {
    const result = await finishPasskeySignIn(response, returnTo);
    if (result?.message) setMessage(result.message);
  }

  useEffect(() => {
    let cancelled = false;
    (async () => {
      if (!(await browserSupportsWebAuthnAutofill())) return;
      try {
        const begun = await beginPasskeySignIn();
        if (cancelled || !begun.ok) return;
        const response = await startAuthentication({ optionsJSON: begun.options, useBrowserAutofill: true });
        if (!cancelled) startTransition(() => finish(response));
      } catch {
        // Autofill is a convenience: aborted or unavailable is not an error worth showing.
      }
    })();
    return () => {
      cancelled = true;
      WebAuthnAbortService.cancelCeremony();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function signIn() {
    startTransition(async () => {
      setMessage(undefined);
      const begun = await beginPasskeySignIn();
      if (!begun.ok) {
        setMessage(begun.message);
        return;
      }
      let response;
      try {
        response = await startAuthentication({ optionsJSON: begun.options });
      } catch (error) {
        setMessage(ceremonyErrorMessage(error, "authenticate"));
        return;
      }
      await finish(response);
    });
  }

  return (
    <div>
      <FormAlert message={message} />
      <noscript>
        <p className="mb-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Passkeys need JavaScript. Turn it on, or sign in with your password above.
        </p>
      </noscript>
      <button type="button" onClick={signIn} disabled={pending} aria-disabled={pending} className={buttonClass("secondary", true)}>
        Sign in with a passkey
      </button>
    </div>
  );
}
