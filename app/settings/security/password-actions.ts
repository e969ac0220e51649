"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { NEW_PASSWORD_MESSAGES } from "@/app/(auth)/password-messages";
import { RETRY_MESSAGES } from "@/app/(auth)/retry-messages";
import type { FormState } from "@/components/ui/form-state";
import { BusyError } from "@/lib/auth/concurrency";
import { requirePrivileged } from "@/lib/auth/guards";
import { changePassword } from "@/lib/auth/password-change";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { formFields } from "@/lib/security/action-input";
import { getClientContext } from "@/lib/security/client";

/**
 * The settings page's password change (lib/auth/password-change.ts). A public POST endpoint like
 * every action: the privileged session is checked here, before the input is read.
 */
const SETTINGS = "/settings/security";

const newPasswordSchema = z.object({
  password: z
    .string({ error: "Choose a new password." })
    .min(1, "Choose a new password.")
    // A generous bound before the policy counts code points: no hash is spent on megabytes.
    .max(PASSWORD_MAX_LENGTH * 4, NEW_PASSWORD_MESSAGES.too_long),
});

export async function changePasswordAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  const parsed = newPasswordSchema.safeParse({ password: formData.get("password") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  let result;
  try {
    result = await changePassword(session, parsed.data.password, await getClientContext());
  } catch (error) {
    if (error instanceof BusyError) return { message: RETRY_MESSAGES.busy };
    throw error;
  }
  if (!result.ok) {
    if (result.reason === "weak") return { errors: { password: [NEW_PASSWORD_MESSAGES[result.weakness]] } };
    return { message: "Your password was changed elsewhere while this was saved (a reset link or another tab). Reload the page and try again." };
  }
  redirect(`${SETTINGS}?notice=password-changed`);
}
