"use server";

import { CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { findUserByEmail } from "@/db/queries/users";
import { signInSchema } from "@/lib/auth/credentials";
import { signIn } from "@/lib/auth/next-auth";
import { safeReturnTo, secondFactorUrl } from "@/lib/auth/return-to";
import { availableAal } from "@/lib/mfa";
import type { FormState } from "@/components/ui/form-state";
import { signInMessage } from "./messages";
import { formFields } from "@/lib/security/action-input";

/** First factor, for a new sign-in and for re-authentication (?refresh=true) alike. */
export async function signInAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const returnTo = safeReturnTo(formData.get("return_to"));
  const parsed = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  const typedEmail = typeof formData.get("email") === "string" ? String(formData.get("email")).slice(0, 254) : "";
  if (!parsed.success) {
    return { errors: z.flattenError(parsed.error).fieldErrors, values: { email: typedEmail } };
  }
  try {
    // Auth.js runs the Credentials provider; its session "encode" is our server-side session.
    await signIn("credentials", { ...parsed.data, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) return { message: signInMessage(error.code), values: { email: parsed.data.email } };
    throw error;
  }
  const user = await findUserByEmail(parsed.data.email);
  const needsSecondFactor = user !== undefined && (await availableAal(user.id)) === "aal2";
  redirect(needsSecondFactor ? secondFactorUrl(returnTo) : returnTo);
}
