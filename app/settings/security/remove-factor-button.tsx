"use client";

import { buttonClass } from "@/components/ui/submit-button";

/**
 * A factor's **Remove**: a plain GET form to the confirmation page (/settings/security/remove),
 * which says what follows and asks again. Nothing is removed from here, with or without JavaScript.
 */
export function RemoveFactorButton({ factor, id, name }: { factor: "totp" | "webauthn"; id: string; name: string }) {
  return (
    <form action="/settings/security/remove" method="get">
      <input type="hidden" name="factor" value={factor} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" className={buttonClass("danger")} aria-label={`Remove ${name}`}>Remove</button>
    </form>
  );
}
