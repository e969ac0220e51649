"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/ui/form-state";
import { deleteOwnAccount } from "@/lib/auth/account-deletion";
import { requirePrivileged } from "@/lib/auth/guards";
import { clearSessionCookie } from "@/lib/auth/session";
import { formFields } from "@/lib/security/action-input";
import { getClientContext } from "@/lib/security/client";

/**
 * The settings page's account deletion (lib/auth/account-deletion.ts). A public POST endpoint like
 * every action: the privileged session is checked here, and nothing goes unless the form carries
 * the account's own address.
 */
const SETTINGS = "/settings/security";

const confirmSchema = z.object({
  confirm_email: z
    .string({ error: "Type your account's email address to confirm." })
    .trim()
    .min(1, "Type your account's email address to confirm.")
    .max(254, "That isn't this account's email address. Nothing was deleted."),
});

export async function deleteAccountAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  const parsed = confirmSchema.safeParse({ confirm_email: formData.get("confirm_email") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const result = await deleteOwnAccount(session, parsed.data.confirm_email, await getClientContext());
  if (!result.ok) {
    if (result.reason === "email_mismatch") return { errors: { confirm_email: ["That isn't this account's email address. Nothing was deleted."] } };
    return { message: "Your account changed while this was checked. Reload the page and try again." };
  }
  // The session row went with the account; the cookie goes too, so this browser is signed out.
  await clearSessionCookie();
  redirect("/account-deleted");
}
