"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { insertUser } from "@/db/queries/users";
import { emailSchema } from "@/lib/auth/credentials";
import { BusyError } from "@/lib/auth/concurrency";
import { sendVerificationEmail } from "@/lib/auth/email-address";
import { completeFirstFactor } from "@/lib/auth/first-factor";
import { hashPassword } from "@/lib/auth/password";
import { checkNewPassword, PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { randomId } from "@/lib/crypto/random";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { RATE_LIMITS, spendSignUpAttempt } from "@/lib/security/rate-limit";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";
import { NEW_PASSWORD_MESSAGES } from "../password-messages";
import { RETRY_MESSAGES } from "../retry-messages";

const signUpSchema = z.object({
  email: emailSchema,
  password: z
    .string({ error: "Choose a password." })
    .min(1, "Choose a password.")
    .max(PASSWORD_MAX_LENGTH * 4, NEW_PASSWORD_MESSAGES.too_long),
});

export async function signUpAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const client = await getClientContext();
  const parsed = signUpSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  const typedEmail = typeof formData.get("email") === "string" ? String(formData.get("email")).slice(0, 254) : "";
  if (!parsed.success) {
    return { errors: z.flattenError(parsed.error).fieldErrors, values: { email: typedEmail } };
  }
  const { email, password } = parsed.data;
  const weakness = checkNewPassword(password, email);
  if (weakness) return { errors: { password: [NEW_PASSWORD_MESSAGES[weakness]] }, values: { email } };

  const limit = await spendSignUpAttempt(client);
  if (!limit.allowed) {
    const wait = limit.reason === "throttled" ? limit.retryAfterSeconds : RATE_LIMITS.signUpIp.maxLockSeconds;
    return { message: `Too many new accounts from your network. Try again in ${formatWait(wait)}.`, values: { email } };
  }

  let passwordHash: string;
  try {
    passwordHash = await hashPassword(password);
  } catch (error) {
    if (error instanceof BusyError) return { message: RETRY_MESSAGES.busy, values: { email } };
    throw error;
  }
  const userId = randomId();
  const created = await insertUser({ id: userId, email, passwordHash, createdAt: new Date() });
  if (!created) {
    return { errors: { email: ["An account with this email already exists. Sign in instead."] }, values: { email } };
  }
  await recordSecurityEvent(userId, "account.created", client);
  // The account works at once; the link only proves the address (settings says so until then).
  await sendVerificationEmail({ id: userId, email });
  await completeFirstFactor(userId, { method: "password" }, "sign_in", client);
  redirect("/");
}
