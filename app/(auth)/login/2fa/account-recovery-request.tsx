"use client";

import { useActionState } from "react";
import { FormAlert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { requestAccountRecoveryAction } from "./account-recovery-actions";
import type { RecoveryRequestState } from "./account-recovery-messages";

const EMPTY: RecoveryRequestState = {};

/**
 * The way out at the bottom of the second step when every factor is lost: it mails a link that
 * starts the waiting period (`delay`, in words, from the page: a client component never reads the
 * configuration). A plain form: it works without JavaScript.
 */
export function AccountRecoveryRequest({ returnTo, delay }: { returnTo: string; delay: string }) {
  const [state, formAction] = useActionState(requestAccountRecoveryAction, EMPTY);
  return (
    <section aria-labelledby="account-recovery-title" className="mt-6 border-t border-slate-200 pt-4 text-sm">
      <h2 id="account-recovery-title" className="font-medium text-slate-800">Lost every second step?</h2>
      <p className="mt-1 text-slate-600">
        Account recovery mails a link to your verified email address. Opening it starts a waiting period of {delay}; after it,
        the link and your password remove your second steps so you can set up new ones. Signing in with a second step meanwhile cancels it.
      </p>
      <form action={formAction} className="mt-3">
        <FormAlert message={state.message} tone={state.sent ? "success" : "error"} />
        <input type="hidden" name="return_to" value={returnTo} />
        <SubmitButton variant="secondary">I can&apos;t use any of my factors</SubmitButton>
      </form>
    </section>
  );
}
