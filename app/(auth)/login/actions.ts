"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { passwordInputSchema, signInSchema } from "@/lib/auth/credentials";
import { getAccess } from "@/lib/auth/guards";
import { completeFirstFactor, FIRST_FACTOR_MODES } from "@/lib/auth/first-factor";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { safeReturnTo, secondFactorUrl, signInUrl } from "@/lib/auth/return-to";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { SIGN_IN_MESSAGES, confirmRefusalState, passwordRefusalState } from "./messages";
import { formFields } from "@/lib/security/action-input";

const modeSchema = z.enum(FIRST_FACTOR_MODES).catch("sign_in");

/**
 * First factor by password, for a new sign-in and for re-authentication (?refresh=true) alike:
 * check the password, then the one first-factor path decides the session and where to go.
 */
export async function signInAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const returnTo = safeReturnTo(formData.get("return_to"));
  const mode = modeSchema.parse(formData.get("mode"));
  if (mode === "reauth") return confirmPassword(formData, returnTo);
  const parsed = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  const typedEmail = typeof formData.get("email") === "string" ? String(formData.get("email")).slice(0, 254) : "";
  if (!parsed.success) {
    return { errors: z.flattenError(parsed.error).fieldErrors, values: { email: typedEmail } };
  }
  const client = await getClientContext();
  const check = await checkPassword(parsed.data, client);
  if (!check.ok) return { ...passwordRefusalState(check), values: { email: parsed.data.email } };
  const result = await completeFirstFactor(check.user.id, { method: "password" }, mode, client);
  if (result.kind === "raced") return { message: SIGN_IN_MESSAGES.raced, values: { email: parsed.data.email } };
  redirect(result.kind === "second_factor_due" ? secondFactorUrl(returnTo) : returnTo);
}

/**
 * Re-authentication (/login?refresh=true): the account is the session's, never a typed email, and
 * only its own budget is spent. A wrong password can say so plainly: the user is signed in already.
 */
async function confirmPassword(formData: FormData, returnTo: string): Promise<FormState> {
  const access = await getAccess();
  if (access.kind !== "signed_in") redirect(signInUrl(returnTo));
  const parsed = passwordInputSchema.safeParse(formData.get("password"));
  if (!parsed.success) return { errors: { password: z.flattenError(parsed.error).formErrors } };
  const client = await getClientContext();
  const check = await checkPassword({ email: access.session.email, password: parsed.data }, client, "reauth");
  if (!check.ok) return confirmRefusalState(check);
  const result = await completeFirstFactor(check.user.id, { method: "password" }, "reauth", client);
  if (result.kind === "raced") return { message: SIGN_IN_MESSAGES.raced };
  redirect(result.kind === "second_factor_due" ? secondFactorUrl(returnTo) : returnTo);
}
