"use server";

import { z } from "zod";
import { emailSchema } from "@/lib/auth/credentials";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { getClientContext } from "@/lib/security/client";
import { formatWait } from "@/lib/security/rate-limit-policy";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";
import { RESET_REQUESTED_MESSAGE } from "./messages";


export type ForgotPasswordState = FormState & { sent?: boolean };

export async function requestPasswordResetAction(_previous: ForgotPasswordState, input: FormData): Promise<ForgotPasswordState> {
  const formData = formFields(input);
  const raw = formData.get("email");
  const typedEmail = typeof raw === "string" ? raw.slice(0, 254) : "";
  const parsed = z.object({ email: emailSchema }).safeParse({ email: raw });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors, values: { email: typedEmail } };
  const result = await requestPasswordReset(parsed.data.email, await getClientContext());
  if (!result.ok) {
    // Keyed by the address typed and the client's network, never by whether an account exists.
    return { message: `Too many reset requests. Try again in ${formatWait(result.retryAfterSeconds)}.`, values: { email: typedEmail } };
  }
  return { sent: true, message: RESET_REQUESTED_MESSAGE };
}
