"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { BusyError } from "@/lib/auth/concurrency";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import {
  attemptResetSecondFactor,
  completePasswordReset,
  openPasswordReset,
  type OpenReset,
  type ResetStepResult,
} from "@/lib/auth/password-reset";
import { clearResetCookie, readResetCookie } from "@/lib/auth/password-reset-cookie";
import { secondFactorMethod, type SecondFactorMethodId } from "@/lib/mfa";
import { createAuthenticationOptions } from "@/lib/mfa/webauthn";
import { authenticationResponseSchema } from "@/lib/mfa/webauthn-input";
import { SECOND_FACTOR_MESSAGES, secondFactorRefusalState } from "../second-factor-messages";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";
import { NEW_PASSWORD_MESSAGES } from "../password-messages";
import { RETRY_MESSAGES } from "../retry-messages";
import { RESET_MESSAGES } from "./messages";

/**
 * Every action reads the reset from its cookie itself (an action is a public endpoint): without a
 * live one, or in the wrong step, it sends the browser back to the page, which says where it is.
 */
const PAGE = "/reset-password";

/** A reset still waiting for its second factor, or a redirect to the page. */
async function resetAwaitingSecondFactor(): Promise<OpenReset> {
  const reset = await openPasswordReset(await readResetCookie());
  if (!reset || !reset.secondFactorRequired || reset.secondFactorPassed) redirect(PAGE);
  return reset;
}

/** The WebAuthn challenge of a reset is bound to it: it can't be answered for another reset or a sign-in. */
const webauthnBinding = (reset: OpenReset) => `password-reset:${reset.tokenHash}`;

const totpSchema = z.object({
  code: z.string({ error: "Enter the code from your app." }).trim().min(1, "Enter the code from your app.").max(64, "That code is too long."),
});

export async function verifyResetTotpAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const reset = await resetAwaitingSecondFactor();
  const parsed = totpSchema.safeParse({ code: formData.get("code") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const client = await getClientContext();
  const result = await attemptResetSecondFactor(reset, "totp", client, () =>
    secondFactorMethod("totp").verify(reset.userId, { code: parsed.data.code }, { client }),
  );
  if (!result.ok) return resetStepState("totp", result);
  redirect(PAGE);
}

function resetStepState(method: SecondFactorMethodId, refusal: Extract<ResetStepResult, { ok: false }>): FormState {
  return refusal.reason === "expired" ? { message: RESET_MESSAGES.expired } : secondFactorRefusalState(method, refusal);
}

const recoveryCodeSchema = z.object({
  code: z.string({ error: "Enter one of your recovery codes." }).trim().min(1, "Enter one of your recovery codes.").max(64, "That code is too long."),
});

export async function verifyResetRecoveryCodeAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const reset = await resetAwaitingSecondFactor();
  const parsed = recoveryCodeSchema.safeParse({ code: formData.get("code") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const client = await getClientContext();
  const result = await attemptResetSecondFactor(reset, "lookup_secret", client, () =>
    secondFactorMethod("lookup_secret").verify(reset.userId, { code: parsed.data.code }, { client }),
  );
  if (!result.ok) return resetStepState("lookup_secret", result);
  redirect(PAGE);
}

export async function beginResetSecurityKey(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const reset = await resetAwaitingSecondFactor();
  return createAuthenticationOptions({ purpose: "second_factor", binding: webauthnBinding(reset), userId: reset.userId });
}

export async function finishResetSecurityKey(response: unknown): Promise<FormState> {
  const reset = await resetAwaitingSecondFactor();
  const client = await getClientContext();
  const parsed = authenticationResponseSchema.safeParse(response);
  // An answer that isn't an assertion can never verify: refused without spending an attempt.
  if (!parsed.success) return { message: SECOND_FACTOR_MESSAGES.key_invalid };
  const result = await attemptResetSecondFactor(reset, "webauthn", client, () =>
    secondFactorMethod("webauthn").verify(reset.userId, { response: parsed.data, binding: webauthnBinding(reset) }, { client }),
  );
  if (!result.ok) return resetStepState("webauthn", result);
  redirect(PAGE);
}

const newPasswordSchema = z.object({
  password: z
    .string({ error: "Choose a new password." })
    .min(1, "Choose a new password.")
    .max(PASSWORD_MAX_LENGTH * 4, NEW_PASSWORD_MESSAGES.too_long),
});

export async function setNewPasswordAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const reset = await openPasswordReset(await readResetCookie());
  if (!reset) redirect(PAGE);
  const parsed = newPasswordSchema.safeParse({ password: formData.get("password") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  let result;
  try {
    result = await completePasswordReset(reset, parsed.data.password, await getClientContext());
  } catch (error) {
    if (error instanceof BusyError) return { message: RETRY_MESSAGES.busy };
    throw error;
  }
  if (!result.ok) {
    if ("field" in result) return { errors: { password: [NEW_PASSWORD_MESSAGES[result.weakness]] } };
    // Spent meanwhile, or the factor isn't passed: the page says which.
    redirect(PAGE);
  }
  await clearResetCookie();
  redirect("/login?notice=password_reset");
}
