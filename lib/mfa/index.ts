import "server-only";
import type { Aal } from "@/lib/auth/aal";
import { totpMethod } from "@/lib/mfa/totp";
import type { SecondFactorMethod, SecondFactorMethodId } from "@/lib/mfa/types";

export type { SecondFactorMethod, SecondFactorMethodId, VerifyOutcome } from "@/lib/mfa/types";

/** Every second-factor method the app offers. WebAuthn and recovery codes register here too. */
export const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = [totpMethod];

/** The methods this user can complete a second factor with right now. */
export async function enrolledMethods(userId: string): Promise<SecondFactorMethodId[]> {
  const enrolled = await Promise.all(SECOND_FACTOR_METHODS.map((m) => m.isEnrolled(userId)));
  return SECOND_FACTOR_METHODS.filter((_, i) => enrolled[i]).map((m) => m.id);
}

/** aal2 as soon as the account holds any method that raises it (CONTRACT.md `available_aal`). */
export async function availableAal(userId: string): Promise<Aal> {
  for (const method of SECOND_FACTOR_METHODS) {
    if (method.raisesAvailableAal && (await method.isEnrolled(userId))) return "aal2";
  }
  return "aal1";
}
