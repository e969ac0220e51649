"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { BusyError } from "@/lib/auth/concurrency";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { attemptResetSecondFactor, completePasswordReset, openPasswordReset, type OpenReset } from "@/lib/auth/password-reset";
import { clearResetCookie, readResetCookie } from "@/lib/auth/password-reset-cookie";
import { verifyRecoveryCode } from "@/lib/mfa/recovery-codes";
import { verifyTotp } from "@/lib/mfa/totp";
import { createAuthenticationOptions, verifyAuthentication } from "@/lib/mfa/webauthn";
import { authenticationResponseSchema } from "@/lib/mfa/webauthn-input";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";

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
  const result = await attemptResetSecondFactor(reset, "totp", await getClientContext(), () => verifyTotp(reset.userId, parsed.data.code));
  if (!result.ok) return { message: result.message };
  redirect(PAGE);
}

const recoveryCodeSchema = z.object({
  code: z.string({ error: "Enter one of your recovery codes." }).trim().min(1, "Enter one of your recovery codes.").max(64, "That code is too long."),
});

export async function verifyResetRecoveryCodeAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const reset = await resetAwaitingSecondFactor();
  const parsed = recoveryCodeSchema.safeParse({ code: formData.get("code") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const result = await attemptResetSecondFactor(reset, "lookup_secret", await getClientContext(), () =>
    verifyRecoveryCode(reset.userId, parsed.data.code),
  );
  if (!result.ok) return { message: result.message };
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
  const result = await attemptResetSecondFactor(reset, "webauthn", client, async () => {
    if (!parsed.success) return { ok: false, reason: "invalid" };
    const outcome = await verifyAuthentication({
      purpose: "second_factor",
      binding: webauthnBinding(reset),
      userId: reset.userId,
      response: parsed.data as never,
    });
    if (outcome.ok) return { ok: true, detail: { key: outcome.credential.name } };
    if (outcome.reason === "counter" && outcome.credential) {
      await recordSecurityEvent(reset.userId, "webauthn.counter_regressed", client, { key: outcome.credential.name });
    }
    return { ok: false, reason: "invalid" };
  });
  if (!result.ok) return { message: result.message };
  redirect(PAGE);
}

const newPasswordSchema = z.object({
  password: z
    .string({ error: "Choose a new password." })
    .min(1, "Choose a new password.")
    .max(PASSWORD_MAX_LENGTH * 4, `Use at most ${PASSWORD_MAX_LENGTH} characters.`),
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
    if (error instanceof BusyError) return { message: "We're very busy right now. Please try again in a few seconds." };
    throw error;
  }
  if (!result.ok) {
    if ("field" in result) return { errors: { password: [result.message] } };
    // Spent meanwhile, or the factor isn't passed: the page says which.
    redirect(PAGE);
  }
  await clearResetCookie();
  redirect("/login?notice=password_reset");
}
