"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { deleteOtherUserSessions, deleteUserSession } from "@/db/queries/sessions";
import { requirePrivileged } from "@/lib/auth/guards";
import { recordAuthenticationStep } from "@/lib/auth/session";
import { beginTotpEnrolment, confirmTotpEnrolment, resumeTotpEnrolment, type TotpEnrolment } from "@/lib/mfa/totp";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import type { FormState } from "@/components/ui/form-state";
import { formFields, opaqueIdSchema } from "@/lib/security/action-input";
import { secondFactorMethod } from "@/lib/mfa";

/**
 * Every action here is a public POST endpoint: each one re-checks the privileged session itself
 * before reading its input (lib/auth/guards.ts).
 */
const SETTINGS = "/settings/security";

export interface TotpEnrolmentState extends FormState {
  enrolment?: TotpEnrolment;
}

const confirmSchema = z.object({
  sealed: z.string().min(1).max(512),
  code: z.string({ error: "Enter the code from your app." }).trim().min(1, "Enter the code from your app.").max(64, "That code is too long."),
});

export async function enrolTotpAction(_previous: TotpEnrolmentState, input: FormData): Promise<TotpEnrolmentState> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  if (formData.get("intent") !== "confirm") {
    return { enrolment: await beginTotpEnrolment(session.userId, session.id, session.email) };
  }
  const parsed = confirmSchema.safeParse({ sealed: formData.get("sealed"), code: formData.get("code") });
  const sealed = typeof formData.get("sealed") === "string" ? String(formData.get("sealed")).slice(0, 512) : "";
  const enrolment = sealed ? await resumeTotpEnrolment(sealed, session.userId, session.id, session.email) : null;
  if (!enrolment) return { message: "This setup expired. Start again to get a new key." };
  if (!parsed.success) return { enrolment, errors: z.flattenError(parsed.error).fieldErrors };

  const outcome = await confirmTotpEnrolment(parsed.data.sealed, parsed.data.code, session.userId, session.id);
  if (!outcome.ok) {
    if (outcome.reason === "already_enrolled") redirect(`${SETTINGS}?notice=totp-exists`);
    if (outcome.reason === "expired") return { message: "This setup expired. Start again to get a new key." };
    return { enrolment, errors: { code: ["That code isn't right. Check your app's clock, then enter the current code."] } };
  }
  const client = await getClientContext();
  await recordSecurityEvent(session.userId, "totp.enabled", client);
  // The code just entered proves the app: this session completed TOTP and stays at the
  // account's new highest level, instead of being sent to the second-factor step.
  await recordAuthenticationStep(session, { method: "totp", effect: "enrolment" });
  redirect(`${SETTINGS}?notice=totp-enabled`);
}

export async function removeTotpAction(): Promise<void> {
  const { session } = await requirePrivileged(SETTINGS);
  const outcome = await secondFactorMethod("totp").remove(session.userId, undefined, { client: await getClientContext() });
  // Already gone (another tab removed it): the page shows the same state either way.
  redirect(`${SETTINGS}?notice=${outcome.ok && outcome.recoveryCodesDeleted ? "totp-removed-codes-deleted" : "totp-removed"}`);
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
