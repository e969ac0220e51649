"use client";

import { buttonClass } from "@/components/ui/submit-button";

/**
 * The Sessions section's **Revoke** and **Sign out other sessions**: plain GET forms to the
 * confirmation page (/settings/security/sessions), which restates what ends and asks again.
 * Nothing is signed out from here, with or without JavaScript.
 */
export function RevokeSessionButton({ id, label }: { id: string; label: string }) {
  return (
    <form action="/settings/security/sessions" method="get">
      <input type="hidden" name="revoke" value={id} />
      <button type="submit" className={buttonClass("secondary")} aria-label={label}>Revoke</button>
    </form>
  );
}

export function SignOutOtherSessionsButton() {
  return (
    <form action="/settings/security/sessions" method="get">
      <input type="hidden" name="sign_out" value="others" />
      <button type="submit" className={buttonClass("secondary")}>Sign out other sessions</button>
    </form>
  );
}
