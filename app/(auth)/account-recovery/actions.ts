"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/ui/form-state";
import { finishAccountRecovery } from "@/lib/auth/account-recovery";
import { clearRecoveryCookie, readRecoveryCookie } from "@/lib/auth/account-recovery-cookie";
import { BusyError } from "@/lib/auth/concurrency";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { formFields } from "@/lib/security/action-input";
import { getClientContext } from "@/lib/security/client";
import { RECOVERY_MESSAGES, recoveryPasswordMessage } from "./messages";

const PAGE = "/account-recovery";

const finishSchema = z.object({
  password: z.string({ error: RECOVERY_MESSAGES.empty_password }).min(1, RECOVERY_MESSAGES.empty_password).max(PASSWORD_MAX_LENGTH * 4, RECOVERY_MESSAGES.too_long),
});

/**
 * **Finish recovery**: the token from the cookie (set when the link was opened), the password from
 * the form. Everything else (the wait, single use, the password's budget) is decided in lib.
 */
export async function finishAccountRecoveryAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const token = await readRecoveryCookie();
  if (!token) redirect(PAGE);
  const parsed = finishSchema.safeParse({ password: formData.get("password") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  let result;
  try {
    result = await finishAccountRecovery(token, parsed.data.password, await getClientContext());
  } catch (error) {
    if (error instanceof BusyError) return { message: RECOVERY_MESSAGES.busy };
    throw error;
  }
  if (!result.ok) {
    if (result.reason === "password") return { errors: { password: [recoveryPasswordMessage(result.check)] } };
    // Spent, cancelled or not yet due: the page says which.
    redirect(PAGE);
  }
  await clearRecoveryCookie();
  redirect("/settings/security?notice=account-recovered");
}
