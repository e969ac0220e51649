import "server-only";
import type { Aal } from "@/lib/auth/aal";
import { chooseSecondFactorStep, type SecondFactorStepChoice } from "@/lib/mfa/step-choice";
import { lastSecondFactorMethod } from "@/lib/security/audit";
import { recoveryCodesMethod } from "@/lib/mfa/recovery-codes";
import { afterSecondFactorRemoved } from "@/lib/mfa/removal";
import { totpMethod } from "@/lib/mfa/totp";
import { webauthnMethod } from "@/lib/mfa/webauthn";
import type { MethodImplementation, SecondFactorMethod, SecondFactorMethodId } from "@/lib/mfa/types";

export type {
  MethodContext,
  RemoveOutcome,
  SecondFactorMethod,
  SecondFactorMethodId,
  VerifyFailure,
  VerifyInputs,
  VerifyOutcome,
} from "@/lib/mfa/types";

/** A method's removal, followed by the after-removal rule (lib/mfa/removal.ts), which needs them all. */
function withAfterRemovalRule<Id extends SecondFactorMethodId>(method: MethodImplementation<Id>): SecondFactorMethod<Id> {
  return {
    ...method,
    async remove(userId, credentialId, context) {
      const hasSecondFactor = async (id: string) => (await availableAal(id)) === "aal2";
      const removed = await method.remove(userId, credentialId, { ...context, hasSecondFactor });
      if (!removed.ok) return removed;
      const { recoveryCodesDeleted } = await afterSecondFactorRemoved(userId, context.client, availableAal);
      return { ...removed, recoveryCodesDeleted };
    },
  };
}

const METHODS: { readonly [Id in SecondFactorMethodId]: SecondFactorMethod<Id> } = {
  webauthn: withAfterRemovalRule(webauthnMethod),
  totp: withAfterRemovalRule(totpMethod),
  // Removing recovery codes is the after-removal rule's whole effect already.
  lookup_secret: recoveryCodesMethod,
};

/**
 * Every second-factor method the app offers, in the order the sign-in step offers them: the
 * phishing-resistant one first. Recovery codes stay last: they are the fallback, not the default.
 */
export const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = [METHODS.webauthn, METHODS.totp, METHODS.lookup_secret];

/** The method behind an id, typed by it (so `verify` takes that method's input). */
export function secondFactorMethod<Id extends SecondFactorMethodId>(id: Id): SecondFactorMethod<Id> {
  return METHODS[id];
}

/** The methods this user can complete a second factor with right now. */
export async function enrolledMethods(userId: string): Promise<SecondFactorMethodId[]> {
  const enrolled = await Promise.all(SECOND_FACTOR_METHODS.map((m) => m.isEnrolled(userId)));
  return SECOND_FACTOR_METHODS.filter((_, i) => enrolled[i]).map((m) => m.id);
}

export type { SecondFactorStepChoice };

/**
 * What the second step (sign-in, re-authentication, password reset) offers this user first, and
 * what else (lib/mfa/step-choice.ts). `requested` is the page's `?method=`, untrusted. Null: the
 * account has no second factor.
 */
export async function secondFactorStepFor(userId: string, requested?: unknown): Promise<SecondFactorStepChoice | null> {
  const [enrolled, lastUsed] = await Promise.all([enrolledMethods(userId), lastSecondFactorMethod(userId)]);
  return chooseSecondFactorStep(enrolled, { requested, lastUsed });
}

/** aal2 as soon as the account holds any method that raises it (docs/contract.md `available_aal`). */
export async function availableAal(userId: string): Promise<Aal> {
  for (const method of SECOND_FACTOR_METHODS) {
    if (method.raisesAvailableAal && (await method.isEnrolled(userId))) return "aal2";
  }
  return "aal1";
}
