"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useState, useTransition } from "react";
import { ceremonyErrorMessage } from "@/components/webauthn/ceremony";
import { FormAlert } from "@/components/ui/alert";
import { PauseCountdown, usePause } from "@/components/ui/pause";
import { buttonClass } from "@/components/ui/submit-button";

type Answer = Awaited<ReturnType<typeof startAuthentication>>;

/**
 * "Use a security key" as a second step: ask the route for a challenge, run the browser's
 * ceremony, hand the answer back to the route. The routes (sign-in, password reset) decide what the
 * challenge is bound to and what a verified key completes; this only runs the ceremony and shows
 * what went wrong.
 */
export function SecurityKeyPrompt({ begin, finish, pausedSeconds, notice }: {
  begin: () => Promise<PublicKeyCredentialRequestOptionsJSON>;
  /**
   * Resolves with a message to show when the key wasn't accepted (success navigates away), and the
   * pause it started, if any.
   */
  finish: (answer: Answer) => Promise<{ message?: string; retryAfterSeconds?: number } | undefined>;
  /** The step is paused (throttled) for this long when the page loads. */
  pausedSeconds?: number;
  /** What the page says before any attempt (a pause, a warning), until the first answer. */
  notice?: string;
}) {
  const [message, setMessage] = useState<string | undefined>(notice);
  const [paused, setPaused] = useState<{ seconds?: number }>({ seconds: pausedSeconds });
  const pause = usePause(paused.seconds, paused);
  const [pending, startTransition] = useTransition();

  function verify() {
    startTransition(async () => {
      setMessage(undefined);
      const options = await begin();
      let answer: Answer;
      try {
        answer = await startAuthentication({ optionsJSON: options });
      } catch (error) {
        setMessage(ceremonyErrorMessage(error, "authenticate"));
        return;
      }
      const result = await finish(answer);
      if (result?.message) setMessage(result.message);
      if (result?.retryAfterSeconds) setPaused({ seconds: result.retryAfterSeconds });
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
      <PauseCountdown pause={pause} />
      <button type="button" onClick={verify} disabled={pending || pause.remaining > 0} aria-disabled={pending || pause.remaining > 0}
        className={buttonClass("primary", true)}>
        {pending ? "Waiting for your key…" : "Use a security key"}
      </button>
    </div>
  );
}
