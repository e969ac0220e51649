"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requirePrivileged } from "@/lib/auth/guards";
import { secondFactorMethod } from "@/lib/mfa";
import { getClientContext } from "@/lib/security/client";
import { formFields, opaqueIdSchema } from "@/lib/security/action-input";

const SETTINGS = "/settings/security";

const removeSchema = z.object({ factor: z.enum(["totp", "webauthn"]), id: opaqueIdSchema });

/**
 * The confirmation page's **Remove**. A public POST endpoint like every action: it re-checks the
 * privileged session itself, and removes only the user's own factor of that id.
 */
export async function removeFactorAction(input: FormData): Promise<void> {
  const formData = formFields(input);
  const parsed = removeSchema.safeParse({ factor: formData.get("factor"), id: formData.get("id") });
  const returnTo = parsed.success ? `${SETTINGS}/remove?factor=${parsed.data.factor}&id=${encodeURIComponent(parsed.data.id)}` : SETTINGS;
  const { session } = await requirePrivileged(returnTo);
  if (!parsed.success) redirect(`${SETTINGS}?notice=factor-missing`);
  const { factor, id } = parsed.data;
  const outcome = await secondFactorMethod(factor).remove(session.userId, id, { client: await getClientContext() });
  // Already gone (another tab removed it), or the account's only way in: said so, nothing happens.
  if (!outcome.ok) redirect(`${SETTINGS}?notice=${outcome.reason === "only_way_in" ? "passkey-only-way-in" : "factor-missing"}`);
  const app = factor === "totp";
  if (app) redirect(`${SETTINGS}?notice=${outcome.recoveryCodesDeleted ? "totp-removed-codes-deleted" : "totp-removed"}`);
  redirect(`${SETTINGS}?notice=${outcome.recoveryCodesDeleted ? "key-removed-codes-deleted" : "key-removed"}`);
}
