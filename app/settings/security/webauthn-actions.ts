"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { requirePrivileged } from "@/lib/auth/guards";
import { recordAuthenticationStep } from "@/lib/auth/session";
import { otherSessionsToOffer } from "./other-sessions";
import { beginWebAuthnRegistration, confirmWebAuthnRegistration, renameWebAuthnKey } from "@/lib/mfa/webauthn";
import { keyNameSchema, registrationResponseSchema } from "@/lib/mfa/webauthn-input";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields, opaqueIdSchema } from "@/lib/security/action-input";
import { offerRecoveryCodes } from "@/app/actions/first-recovery-codes";
import type { PendingRecoveryCodes } from "@/lib/mfa/recovery-codes";

const SETTINGS = "/settings/security";

export type BeginRegistrationResult =
  | { ok: true; options: PublicKeyCredentialCreationOptionsJSON }
  | { ok: false; errors?: { name?: string[] }; message?: string };

/** Step one of adding a key: a challenge bound to this session. */
export async function beginSecurityKeyRegistration(name: unknown): Promise<BeginRegistrationResult> {
  const { session } = await requirePrivileged(SETTINGS);
  const parsed = keyNameSchema.safeParse(name);
  if (!parsed.success) return { ok: false, errors: { name: z.flattenError(parsed.error).formErrors } };
  return { ok: true, options: await beginWebAuthnRegistration({ userId: session.userId, email: session.email, binding: session.id }) };
}

const REGISTRATION_MESSAGES = {
  challenge: "That request expired. Try adding the key again.",
  invalid: "The security key's answer couldn't be verified. Try again.",
  duplicate: "This security key is already registered.",
} as const;

/** What adding a key answers when it doesn't redirect: a refusal, or recovery codes to show at once. */
export interface FinishRegistrationState extends FormState {
  recoveryCodes?: PendingRecoveryCodes;
  /** With recoveryCodes: how many other sessions to offer signing out (the notice's offer, inline). */
  otherSessions?: number;
}

/** Step two: verify the new credential and store it. */
export async function finishSecurityKeyRegistration(name: unknown, response: unknown): Promise<FinishRegistrationState> {
  const { session, availableAal, secondFactorPolicy } = await requirePrivileged(SETTINGS);
  const parsedName = keyNameSchema.safeParse(name);
  if (!parsedName.success) return { errors: { name: z.flattenError(parsedName.error).formErrors } };
  const parsedResponse = registrationResponseSchema.safeParse(response);
  if (!parsedResponse.success) return { message: REGISTRATION_MESSAGES.invalid };
  const outcome = await confirmWebAuthnRegistration({
    userId: session.userId,
    binding: session.id,
    name: parsedName.data,
    response: parsedResponse.data,
  });
  if (!outcome.ok) return { message: REGISTRATION_MESSAGES[outcome.reason] };
  await recordSecurityEvent(session.userId, "webauthn.added", await getClientContext(), {
    key: outcome.credential.name,
    passkey: outcome.credential.isPasskey,
  });
  // The key just answered a challenge: this session completed WebAuthn and stays at the account's
  // new highest level.
  await recordAuthenticationStep(session, { method: "webauthn", effect: "enrolment" });
  const recoveryCodes = await offerRecoveryCodes(session, availableAal);
  if (!recoveryCodes) redirect(`${SETTINGS}?notice=key-added`);
  // Shown where the key was added; the key list re-renders around it.
  revalidatePath(SETTINGS);
  return { recoveryCodes, otherSessions: await otherSessionsToOffer(session, secondFactorPolicy) };
}

/** Forms posting these actions don't need JavaScript. */
export async function securityKeysNeedJavaScript(): Promise<FormState> {
  return { message: "Adding a security key needs JavaScript. Turn it on for this site, then try again." };
}

const renameSchema = z.object({ credential_id: opaqueIdSchema, name: keyNameSchema });

export async function renameSecurityKeyAction(_previous: FormState, input: FormData): Promise<FormState> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  const parsed = renameSchema.safeParse({ credential_id: formData.get("credential_id"), name: formData.get("name") });
  if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
  const renamed = await renameWebAuthnKey(session.userId, parsed.data.credential_id, parsed.data.name);
  if (!renamed) redirect(`${SETTINGS}?notice=key-missing`);
  await recordSecurityEvent(session.userId, "webauthn.renamed", await getClientContext(), { key: parsed.data.name });
  redirect(`${SETTINGS}?notice=key-renamed`);
}
