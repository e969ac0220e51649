"use client";

import { browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService } from "@simplewebauthn/browser";
import { useEffect, useRef, useState, useTransition } from "react";
import { ceremonyErrorMessage } from "@/components/webauthn/ceremony";
import { FormAlert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/submit-button";
import type { FirstFactorMode } from "@/lib/auth/first-factor";
import { beginPasskeySignIn, finishPasskeySignIn } from "./passkey-actions";

/**
 * "Sign in with a passkey", plus browser autofill of passkeys on the email field (conditional
 * mediation) where supported: the browser offers saved passkeys as the user focuses the field.
 * `mode` says what the page is for; only "reauth" (/login?refresh=true) re-authenticates the
 * session, and it has no autofill (the email is fixed, and a re-authentication must be asked for).
 */
export function PasskeySignIn({ returnTo, mode }: { returnTo: string; mode: FirstFactorMode }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  // One answer goes to the server at a time, and none after one succeeded (the page is leaving).
  const answering = useRef(false);

  async function finish(response: Awaited<ReturnType<typeof startAuthentication>>) {
    if (answering.current) return;
    answering.current = true;
    try {
      const result = await finishPasskeySignIn(response, returnTo, mode);
      if (result?.message) {
        answering.current = false;
        setMessage(result.message);
      }
    } catch (error) {
      answering.current = false;
      throw error;
    }
  }

  useEffect(() => {
    if (mode !== "sign_in") return;
    // One conditional ceremony per page view: a cleanup (unmount, or React's development
    // re-run) aborts it, and an aborted run never answers.
    let active = true;
    (async () => {
      if (!(await browserSupportsWebAuthnAutofill()) || !active) return;
      try {
        const begun = await beginPasskeySignIn(mode);
        if (!active || !begun.ok) return;
        const response = await startAuthentication({ optionsJSON: begun.options, useBrowserAutofill: true });
        if (active) startTransition(() => finish(response));
      } catch {
        // Autofill is a convenience: aborted or unavailable is not an error worth showing.
      }
    })();
    return () => {
      active = false;
      WebAuthnAbortService.cancelCeremony();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode]);

  function signIn() {
    startTransition(async () => {
      setMessage(undefined);
      const begun = await beginPasskeySignIn(mode);
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
        {mode === "reauth" ? "Use a passkey" : "Sign in with a passkey"}
      </button>
    </div>
  );
}
