"use client";

import type { StepBudget } from "../second-step/budget";
import { SecurityKeyPrompt } from "@/components/webauthn/security-key-prompt";
import { beginResetSecurityKey, finishResetSecurityKey } from "./actions";

export function ResetSecurityKeyStep({ budget = {} }: { budget?: StepBudget }) {
  return (
    <SecurityKeyPrompt pausedSeconds={budget.pausedSeconds} notice={budget.notice} begin={() => beginResetSecurityKey()} finish={(answer) => finishResetSecurityKey(answer)} />
  );
}
