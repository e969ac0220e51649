"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { deleteOtherUserSessions, deleteUserSession } from "@/db/queries/sessions";
import { requirePrivileged } from "@/lib/auth/guards";
import { recordAuthenticationStep } from "@/lib/auth/session";
import { offerRecoveryCodes } from "@/app/actions/first-recovery-codes";
import type { PendingRecoveryCodes } from "@/lib/mfa/recovery-codes";
import {
  MAX_TOTP_APPS,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  listTotpApps,
  resumeTotpEnrolment,
  totpAppNameSchema,
  type TotpEnrolment,
} from "@/lib/mfa/totp";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields, opaqueIdSchema } from "@/lib/security/action-input";
import { otherSessionsToOffer } from "./other-sessions";

/**
 * Every action here is a public POST endpoint: each one re-checks the privileged session itself
 * before reading its input (lib/auth/guards.ts).
 */
const SETTINGS = "/settings/security";

export interface TotpEnrolmentState extends FormState {
  enrolment?: TotpEnrolment;
  /** The app just added, when a fresh set of recovery codes is offered inline (no confirmed set yet). */
  added?: { name: string; recoveryCodes: PendingRecoveryCodes; otherSessions: number };
  /** The user pressed Cancel on a pending setup: back to the start, with a word that nothing was added. */
  cancelled?: boolean;
}

const startSchema = z.object({ name: totpAppNameSchema });

const confirmSchema = z.object({
  sealed: z.string().min(1).max(2048),
  code: z.string({ error: "Enter the code from your app." }).trim().min(1, "Enter the code from your app.").max(64, "That code is too long."),
});

const EXPIRED = "This setup expired. Start again to get a new key.";
const TOO_MANY = `You have ${MAX_TOTP_APPS} authenticator apps, the most an account can hold. Remove one you no longer use first.`;

export async function enrolTotpAction(_previous: TotpEnrolmentState, input: FormData): Promise<TotpEnrolmentState> {
  const formData = formFields(input);
  const { session, availableAal, secondFactorPolicy } = await requirePrivileged(SETTINGS);
  // The pending secret lives only in the sealed field of the page (nothing is stored before the
  // code confirms it), so Cancel ends the setup by not handing it back.
  if (formData.get("intent") === "cancel") return { cancelled: true };
  if (formData.get("intent") !== "confirm") {
    const parsed = startSchema.safeParse({ name: formData.get("name") });
    if (!parsed.success) return { errors: z.flattenError(parsed.error).fieldErrors };
    if ((await listTotpApps(session.userId)).length >= MAX_TOTP_APPS) return { message: TOO_MANY };
    return { enrolment: await beginTotpEnrolment(session.userId, session.id, session.email, parsed.data.name) };
  }
  const parsed = confirmSchema.safeParse({ sealed: formData.get("sealed"), code: formData.get("code") });
  const sealed = typeof formData.get("sealed") === "string" ? String(formData.get("sealed")).slice(0, 2048) : "";
  const enrolment = sealed ? await resumeTotpEnrolment(sealed, session.userId, session.id, session.email) : null;
  if (!enrolment) return { message: EXPIRED };
  if (!parsed.success) return { enrolment, errors: z.flattenError(parsed.error).fieldErrors };

  const outcome = await confirmTotpEnrolment(parsed.data.sealed, parsed.data.code, session.userId, session.id);
  if (!outcome.ok) {
    // Confirmed twice (a double submit): the app is there, as the first answer said.
    if (outcome.reason === "duplicate") redirect(`${SETTINGS}?notice=totp-enabled`);
    if (outcome.reason === "too_many") return { message: TOO_MANY };
    if (outcome.reason === "expired") return { message: EXPIRED };
    return {
      enrolment,
      errors: { code: ["That code isn't right. Check your app's clock, then enter the current code."] },
      // What was typed goes back in the field, so a typo can be seen (a wrong code is no secret).
      values: { code: parsed.data.code },
    };
  }
  await recordSecurityEvent(session.userId, "totp.enabled", await getClientContext(), { app: outcome.name });
  // The code just entered proves the app: this session completed TOTP and stays at the
  // account's new highest level, instead of being sent to the second-factor step.
  await recordAuthenticationStep(session, { method: "totp", effect: "enrolment" });
  const recoveryCodes = await offerRecoveryCodes(session, availableAal);
  if (!recoveryCodes) redirect(`${SETTINGS}?notice=totp-enabled`);
  // The codes are shown where the app was set up; the rest of the page (the app list) re-renders.
  revalidatePath(SETTINGS);
  return { added: { name: outcome.name, recoveryCodes, otherSessions: await otherSessionsToOffer(session, secondFactorPolicy) } };
}

const sessionIdSchema = z.object({ session_id: opaqueIdSchema.max(64) });

export async function revokeSessionAction(input: FormData): Promise<void> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  const parsed = sessionIdSchema.safeParse({ session_id: formData.get("session_id") });
  if (!parsed.success) redirect(`${SETTINGS}?notice=session-missing`);
  if (parsed.data.session_id === session.id) redirect(`${SETTINGS}?notice=session-current`);
  const revoked = await deleteUserSession(session.userId, parsed.data.session_id);
  if (revoked) {
    await recordSecurityEvent(session.userId, "session.revoked", await getClientContext(), { session_id: parsed.data.session_id });
  }
  redirect(`${SETTINGS}?notice=${revoked ? "session-revoked" : "session-missing"}`);
}

export async function revokeOtherSessionsAction(): Promise<void> {
  const { session } = await requirePrivileged(SETTINGS);
  const count = await deleteOtherUserSessions(session.userId, session.id);
  await recordSecurityEvent(session.userId, "session.others_revoked", await getClientContext(), { count });
  redirect(`${SETTINGS}?notice=others-revoked`);
}
