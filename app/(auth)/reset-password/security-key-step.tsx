"use client";

import { SecurityKeyPrompt } from "@/components/webauthn/security-key-prompt";
import { beginResetSecurityKey, finishResetSecurityKey } from "./actions";

export function ResetSecurityKeyStep() {
  return <SecurityKeyPrompt begin={() => beginResetSecurityKey()} finish={(answer) => finishResetSecurityKey(answer)} />;
}
