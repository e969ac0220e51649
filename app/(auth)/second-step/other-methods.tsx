import Link from "next/link";
import type { SecondFactorMethodId } from "@/lib/mfa/types";
import { SWITCH_METHOD_LABELS } from "../second-factor-messages";

const link = "text-brand-700 underline-offset-4 hover:underline";

/**
 * The second step's other ways, as plain links (`?method=…`, so switching works without
 * JavaScript), below its one primary action. Shared by /login/2fa and /reset-password.
 */
export function OtherMethods({ alternatives, hrefFor }: {
  alternatives: readonly SecondFactorMethodId[];
  hrefFor: (method: SecondFactorMethodId) => string;
}) {
  if (alternatives.length === 0) return null;
  return (
    <nav aria-label="Other ways to verify" className="mt-6 border-t border-slate-200 pt-4 text-sm">
      <ul className="space-y-2">
        {alternatives.map((method) => (
          <li key={method}>
            <Link className={link} href={hrefFor(method)}>{SWITCH_METHOD_LABELS[method]}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
