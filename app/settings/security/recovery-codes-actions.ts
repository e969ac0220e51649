"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/ui/form-state";
import { requirePrivileged, type SignedIn } from "@/lib/auth/guards";
import { safeReturnTo } from "@/lib/auth/return-to";
import {
  beginRecoveryCodeSet,
  confirmRecoveryCodeSet,
  discardPendingRecoveryCodes,
  reopenPendingRecoveryCodes,
  type PendingRecoveryCodes,
} from "@/lib/mfa/recovery-codes";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import { RECOVERY_CODES_MESSAGES, RECOVERY_CODES_SAVED_URL } from "./recovery-codes-messages";
import { formFields } from "@/lib/security/action-input";

/**
 * Generate → show → confirm (or cancel), one action over one form state, as the TOTP enrolment.
 * The codes travel only in the returned state (rendered by the server even without JS) and,
 * sealed, in the confirm form; the database holds their HMACs. Every intent re-checks the
 * privileged session first (an action is a public POST endpoint).
 */
export interface RecoveryCodesState extends FormState {
  pending?: PendingRecoveryCodes;
}

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
  return { pending: await beginRecoveryCodeSet(session.userId, session.id) };
}

async function confirm({ session }: SignedIn, sealed: string, saved: string | undefined, after: string): Promise<RecoveryCodesState> {
  const pending = sealed ? reopenPendingRecoveryCodes(sealed, session.userId, session.id) : null;
  if (!pending) return { message: RECOVERY_CODES_MESSAGES.expired };
  const parsed = confirmSchema.safeParse({ sealed, saved });
  if (!parsed.success) return { pending, errors: z.flattenError(parsed.error).fieldErrors };

  const outcome = await confirmRecoveryCodeSet(parsed.data.sealed, session.userId, session.id);
  if (!outcome.ok) return { message: RECOVERY_CODES_MESSAGES.expired };
  await recordSecurityEvent(session.userId, "recovery_codes.created", await getClientContext(), {
    count: pending.codes.length,
    replaced_previous: outcome.replacedPrevious,
  });
  redirect(after);
}
