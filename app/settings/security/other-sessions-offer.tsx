"use client";

import { SubmitButton } from "@/components/ui/submit-button";
import { revokeOtherSessionsAction } from "./actions";

/**
 * After a change to the second factors, while other sessions exist: the offer to sign them out
 * right there (ASVS 5: "the user is given the option to terminate all other active sessions after
 * changing or removing any authentication factor"). `others`: how many other sessions there are.
 */
export function OtherSessionsOffer({ others }: { others: number }) {
  if (others < 1) return null;
  return (
    <div role="group" aria-label="Other sessions" className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p>
        Your account is also signed in {others === 1 ? "in 1 other session" : `in ${others} other sessions`}.
        If a device may be lost or in someone else&apos;s hands, sign them out.
      </p>
      <form action={revokeOtherSessionsAction}>
        <SubmitButton variant="secondary">Sign out other sessions</SubmitButton>
      </form>
    </div>
  );
}
