"use client";

import type { StepBudget } from "../../second-step/budget";
import { EMPTY_FORM_STATE } from "@/components/ui/form-state";
import { SecurityKeyPrompt } from "@/components/webauthn/security-key-prompt";
import { verifySecondFactorAction } from "./actions";
import { beginSecurityKeyStep } from "./webauthn-actions";

export function SecurityKeyStep({ returnTo, budget = {} }: { returnTo: string; budget?: StepBudget }) {
  return (
    <SecurityKeyPrompt
      pausedSeconds={budget.pausedSeconds} notice={budget.notice}
      begin={() => beginSecurityKeyStep(returnTo)}
      finish={(answer) => {
        // The same action and fields as the code forms, with the assertion as the method's input.
        const form = new FormData();
        form.set("method", "webauthn");
        form.set("response", JSON.stringify(answer));
        form.set("return_to", returnTo);
        return verifySecondFactorAction(EMPTY_FORM_STATE, form);
      }}
    />
  );
}
