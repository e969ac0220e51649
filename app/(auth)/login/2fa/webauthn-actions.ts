"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { requireSecondFactorStep } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { createAuthenticationOptions } from "@/lib/mfa/webauthn";

/** The security-key step's challenge, bound to this session; the answer goes to verifySecondFactorAction. */
export async function beginSecurityKeyStep(returnTo: unknown): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { session } = await requireSecondFactorStep(safeReturnTo(returnTo));
  return createAuthenticationOptions({ purpose: "second_factor", binding: session.id, userId: session.userId });
}
