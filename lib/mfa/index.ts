import "server-only";
import type { Aal } from "@/lib/auth/aal";
import { deleteAllRecoveryCodes, recoveryCodesMethod } from "@/lib/mfa/recovery-codes";
import { totpMethod } from "@/lib/mfa/totp";
import { webauthnMethod } from "@/lib/mfa/webauthn";
import type { SecondFactorMethod, SecondFactorMethodId } from "@/lib/mfa/types";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext, type ClientContext } from "@/lib/security/client";

export type { SecondFactorMethod, SecondFactorMethodId, VerifyOutcome } from "@/lib/mfa/types";

/**
 * Every second-factor method the app offers, in the order the sign-in step offers them: the
 * phishing-resistant one first. Recovery codes stay last: they are the fallback, not the default.
 */
export const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = [webauthnMethod, totpMethod, recoveryCodesMethod];

/** The methods this user can complete a second factor with right now. */
export async function enrolledMethods(userId: string): Promise<SecondFactorMethodId[]> {
  const enrolled = await Promise.all(SECOND_FACTOR_METHODS.map((m) => m.isEnrolled(userId)));
  return SECOND_FACTOR_METHODS.filter((_, i) => enrolled[i]).map((m) => m.id);
}

/** aal2 as soon as the account holds any method that raises it (docs/contract.md `available_aal`). */
export async function availableAal(userId: string): Promise<Aal> {
  for (const method of SECOND_FACTOR_METHODS) {
    if (method.raisesAvailableAal && (await method.isEnrolled(userId))) return "aal2";
  }
  return "aal1";
}

/**
 * Call after removing any second-factor credential (TOTP, a security key). Recovery codes back up
 * the other methods and must not outlive the last of them (Safewhere's "offboarding"): once the
 * account is back to aal1 its codes are deleted. Returns whether any were. `client` defaults to the
 * current request's (call it from a server action or route handler).
 */
export async function afterSecondFactorRemoved(userId: string, client?: ClientContext): Promise<{ recoveryCodesDeleted: boolean }> {
  if ((await availableAal(userId)) !== "aal1") return { recoveryCodesDeleted: false };
  const { hadValidSet } = await deleteAllRecoveryCodes(userId);
  if (hadValidSet) await recordSecurityEvent(userId, "recovery_codes.deleted", client ?? (await getClientContext()), { reason: "no_second_factor_left" });
  return { recoveryCodesDeleted: hadValidSet };
}
