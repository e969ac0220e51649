"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { attemptSecondFactor } from "@/lib/auth/flow";
import { requireSecondFactorStep } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { verifyRecoveryCode } from "@/lib/mfa/recovery-codes";
import { verifyTotp } from "@/lib/mfa/totp";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";

const codeSchema = z.object({
  code: z.string({ error: "Enter the code from your app." }).trim().min(1, "Enter the code from your app.").max(64, "That code is too long."),
});

export async function verifyTotpStepAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const returnTo = safeReturnTo(formData.get("return_to"));
  const access = await requireSecondFactorStep(returnTo);
  const parsed = codeSchema.safeParse({ code: formData.get("code") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const result = await attemptSecondFactor(access.session, "totp", await getClientContext(), () =>
    verifyTotp(access.session.userId, parsed.data.code),
  );
  if (!result.ok) return { message: result.message };
  redirect(returnTo);
}

const recoveryCodeSchema = z.object({
  code: z.string({ error: "Enter one of your recovery codes." }).trim().min(1, "Enter one of your recovery codes.").max(64, "That code is too long."),
});

/** Where a recovery-code sign-in lands: it says how many codes are left (never this page). */
function recoveryCodeUsedUrl(returnTo: string): string {
  return `/login/2fa/recovery-code-used?${new URLSearchParams({ return_to: returnTo })}`;
}

export async function verifyRecoveryCodeStepAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const returnTo = safeReturnTo(formData.get("return_to"));
  const access = await requireSecondFactorStep(returnTo);
  const parsed = recoveryCodeSchema.safeParse({ code: formData.get("code") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const result = await attemptSecondFactor(access.session, "lookup_secret", await getClientContext(), () =>
    verifyRecoveryCode(access.session.userId, parsed.data.code),
  );
  if (!result.ok) return { message: result.message };
  redirect(recoveryCodeUsedUrl(returnTo));
}
