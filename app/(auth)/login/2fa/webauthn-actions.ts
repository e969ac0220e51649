"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { attemptSecondFactor } from "@/lib/auth/flow";
import { requireSecondFactorStep } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { createAuthenticationOptions, verifyAuthentication } from "@/lib/mfa/webauthn";
import { authenticationResponseSchema } from "@/lib/mfa/webauthn-input";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";

export async function beginSecurityKeyStep(returnTo: unknown): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { session } = await requireSecondFactorStep(safeReturnTo(returnTo));
  return createAuthenticationOptions({ purpose: "second_factor", binding: session.id, userId: session.userId });
}

export async function finishSecurityKeyStep(response: unknown, returnTo: unknown): Promise<FormState> {
  const target = safeReturnTo(returnTo);
  const { session } = await requireSecondFactorStep(target);
  const client = await getClientContext();
  const parsed = authenticationResponseSchema.safeParse(response);
  const result = await attemptSecondFactor(session, "webauthn", client, async () => {
    if (!parsed.success) return { ok: false, reason: "invalid" };
    const outcome = await verifyAuthentication({
      purpose: "second_factor",
      binding: session.id,
      userId: session.userId,
      response: parsed.data as never,
    });
    if (outcome.ok) return { ok: true, detail: { key: outcome.credential.name } };
    if (outcome.reason === "counter" && outcome.credential) {
      await recordSecurityEvent(session.userId, "webauthn.counter_regressed", client, { key: outcome.credential.name });
    }
    return { ok: false, reason: "invalid" };
  });
  if (!result.ok) return { message: result.message };
  redirect(target);
}
