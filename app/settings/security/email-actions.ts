"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { cancelEmailChange, requestEmailChange, resendVerificationEmail } from "@/lib/auth/email-address";
import { emailSchema } from "@/lib/auth/credentials";
import { requirePrivileged, requireSignedIn } from "@/lib/auth/guards";
import { getClientContext } from "@/lib/security/client";
import { formatWait } from "@/lib/security/rate-limit-policy";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";

/**
 * The settings page's Email section. Each action re-checks the caller itself (lib/auth/guards.ts):
 * changing the address (or cancelling a change) needs a privileged session like every settings
 * change; resending the verification link only needs a signed-in one, since it can only mail the
 * address the account already has.
 */
const SETTINGS = "/settings/security";

export async function resendVerificationAction(_previous: FormState, _input: FormData): Promise<FormState> {
  const { session } = await requireSignedIn(SETTINGS);
  const result = await resendVerificationEmail(session.userId, await getClientContext());
  if (!result.ok) {
    if (result.reason === "already_verified") redirect(`${SETTINGS}?notice=email-already-verified`);
    return { message: `You've asked for several verification emails already. Try again in ${formatWait(result.retryAfterSeconds)}.` };
  }
  redirect(`${SETTINGS}?notice=verification-sent`);
}

const changeSchema = z.object({
  new_email: z
    .string({ error: "Enter the new email address." })
    .trim()
    .min(1, "Enter the new email address.")
    .pipe(emailSchema),
});

export async function changeEmailAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  const typed = typeof formData.get("new_email") === "string" ? String(formData.get("new_email")).slice(0, 254) : "";
  const parsed = changeSchema.safeParse({ new_email: formData.get("new_email") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors, values: { new_email: typed } };

  const result = await requestEmailChange({ id: session.userId, email: session.email }, parsed.data.new_email, await getClientContext());
  if (!result.ok) {
    if (result.reason === "same_address") return { errors: { new_email: ["That is already your account's address."] }, values: { new_email: typed } };
    return { message: `You've asked for several email changes already. Try again in ${formatWait(result.retryAfterSeconds)}.`, values: { new_email: typed } };
  }
  redirect(`${SETTINGS}?notice=email-change-sent`);
}

export async function cancelEmailChangeAction(): Promise<void> {
  const { session } = await requirePrivileged(SETTINGS);
  const cancelled = await cancelEmailChange(session.userId, await getClientContext());
  redirect(`${SETTINGS}?notice=${cancelled ? "email-change-cancelled" : "email-change-missing"}`);
}
