"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { RecoveryCodesState } from "@/components/recovery-codes/state";
import { requirePrivileged, type SignedIn } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import { codesViewBinding } from "@/lib/auth/session";
import {
  beginRecoveryCodeSet,
  confirmRecoveryCodeSet,
  discardPendingRecoveryCodes,
  discardRefusedRecoveryCodes,
  reopenPendingRecoveryCodes,
} from "@/lib/mfa/recovery-codes";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import { formFields } from "@/lib/security/action-input";
import { RECOVERY_CODES_MESSAGES, RECOVERY_CODES_SAVED_URL } from "./recovery-codes-messages";

/**
 * Generate → show → confirm (or cancel), one action over one form state, as the TOTP enrolment.
 * Shared by the settings page and the page after a recovery-code sign-in, hence here and not in
 * either route. The codes travel only in the returned state (rendered by the server even without
 * JS) and, sealed to the session and the page view, in the confirm form; the database holds their
 * HMACs. Every intent re-checks the privileged session first (an action is a public POST endpoint).
 */

const formSchema = z.object({
  intent: z.enum(["generate", "confirm", "cancel"]),
  /** The page the form is on: where re-authentication returns to. */
  page: z.string().max(2048).optional(),
  /** Where to go once the codes are confirmed (a page embedding the form may choose). */
  after: z.string().max(2048).optional(),
  sealed: z.string().max(2048).optional(),
});

const confirmSchema = z.object({
  sealed: z.string().min(1).max(2048),
  saved: z.literal("on", { error: RECOVERY_CODES_MESSAGES.tickSaved }),
});

const field = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
};

export async function recoveryCodesAction(_previous: RecoveryCodesState, input: FormData): Promise<RecoveryCodesState> {
  const formData = formFields(input);
  const form = formSchema.safeParse({
    intent: field(formData, "intent"),
    page: field(formData, "page"),
    after: field(formData, "after"),
    sealed: field(formData, "sealed"),
  });
  const access = await requirePrivileged(safeReturnTo(form.data?.page, "/settings/security"));
  if (!form.success) return { message: RECOVERY_CODES_MESSAGES.expired };
  switch (form.data.intent) {
    case "generate":
      return generate(access);
    case "cancel":
      await discardPendingRecoveryCodes(access.session.userId, access.session.id);
      return {};
    case "confirm":
      return confirm(access, form.data.sealed ?? "", field(formData, "saved"), safeReturnTo(form.data.after, RECOVERY_CODES_SAVED_URL));
  }
}

async function generate({ session, availableAal }: SignedIn): Promise<RecoveryCodesState> {
  // Codes back up another second factor; without one they would be a second factor on their own.
  if (availableAal !== "aal2") return { message: RECOVERY_CODES_MESSAGES.needsSecondFactor };
  const view = (await codesViewBinding({ create: true }))!;
  return { pending: await beginRecoveryCodeSet(session.userId, { sessionId: session.id, view }) };
}

async function confirm({ session }: SignedIn, sealed: string, saved: string | undefined, after: string): Promise<RecoveryCodesState> {
  const view = await codesViewBinding({ create: false });
  const binding = view ? { sessionId: session.id, view } : null;
  const pending = sealed && binding ? reopenPendingRecoveryCodes(sealed, session.userId, binding) : null;
  if (!binding || !pending) return refused(session, sealed);
  const parsed = confirmSchema.safeParse({ sealed, saved });
  if (!parsed.success) return { pending, errors: z.flattenError(parsed.error).fieldErrors };

  const outcome = await confirmRecoveryCodeSet(parsed.data.sealed, session.userId, binding);
  if (!outcome.ok) return refused(session, sealed);
  await recordSecurityEvent(session.userId, "recovery_codes.created", await getClientContext(), {
    count: pending.codes.length,
    replaced_previous: outcome.replacedPrevious,
  });
  redirect(after);
}

/** Too late, or the page was opened again since: these codes can never become valid, so they go. */
async function refused(session: SignedIn["session"], sealed: string): Promise<RecoveryCodesState> {
  if (sealed) await discardRefusedRecoveryCodes(sealed, session.userId, session.id);
  return { message: RECOVERY_CODES_MESSAGES.expired };
}
