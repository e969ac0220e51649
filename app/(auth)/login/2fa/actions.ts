"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { attemptSecondFactor } from "@/lib/auth/flow";
import { requireSecondFactorStep } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import type { Session } from "@/lib/auth/session";
import { secondFactorMethod, type MethodContext, type VerifyOutcome } from "@/lib/mfa";
import { authenticationResponseSchema } from "@/lib/mfa/webauthn-input";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields } from "@/lib/security/action-input";
import { SECOND_FACTOR_MESSAGES, secondFactorRefusalState } from "../../second-factor-messages";

const codeField = (empty: string) => z.string({ error: empty }).trim().min(1, empty).max(64, "That code is too long.");

/** The security-key step sends the browser's assertion as JSON in a form field. */
const assertionField = z
  .string()
  .max(64 * 1024)
  .transform((json, ctx) => {
    try {
      return JSON.parse(json) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(authenticationResponseSchema);

/** Every method's form posts here, named by a hidden `method` field; each has its own input. */
const stepSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code: codeField("Enter the code from your app.") }),
  z.object({ method: z.literal("lookup_secret"), code: codeField("Enter one of your recovery codes.") }),
  z.object({ method: z.literal("webauthn"), response: assertionField }),
]);
type Step = z.infer<typeof stepSchema>;

function verify(step: Step, session: Session, context: MethodContext): Promise<VerifyOutcome> {
  if (step.method === "webauthn") {
    // The challenge was bound to this session (beginSecurityKeyStep).
    return secondFactorMethod("webauthn").verify(session.userId, { response: step.response, binding: session.id }, context);
  }
  return secondFactorMethod(step.method).verify(session.userId, { code: step.code }, context);
}

/** Where a recovery-code sign-in lands: it says how many codes are left (never this page). */
function recoveryCodeUsedUrl(returnTo: string): string {
  return `/login/2fa/recovery-code-used?${new URLSearchParams({ return_to: returnTo })}`;
}

/** The second step, for every method: parse its input, one attempt through the shared flow, redirect. */
export async function verifySecondFactorAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const returnTo = safeReturnTo(formData.get("return_to"));
  const access = await requireSecondFactorStep(returnTo);
  const { session } = access;
  const parsed = stepSchema.safeParse({ method: formData.get("method"), code: formData.get("code"), response: formData.get("response") });
  if (!parsed.success) {
    const fieldErrors: Record<string, string[] | undefined> = z.flattenError(parsed.error).fieldErrors;
    // A code form shows its field's message; a malformed key answer or an unknown method can't be
    // fixed by typing, so it reads as a refused key.
    return fieldErrors.code ? { errors: { code: fieldErrors.code } } : { message: SECOND_FACTOR_MESSAGES.key_invalid };
  }
  const step = parsed.data;
  const client = await getClientContext();
  const result = await attemptSecondFactor(access, step.method, client, () => verify(step, session, { client }));
  if (!result.ok) return secondFactorRefusalState(step.method, result);
  redirect(step.method === "lookup_secret" ? recoveryCodeUsedUrl(returnTo) : returnTo);
}
