"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requirePrivileged } from "@/lib/auth/guards";
import { unlinkIdentity } from "@/lib/auth/linked-identities";
import { formFields } from "@/lib/security/action-input";
import { getClientContext } from "@/lib/security/client";

const SETTINGS = "/settings/security";
const UNLINK_NOTICES = {
  unlinked: "?notice=identity-unlinked",
  last: "?notice=identity-last",
  missing: "?notice=identity-missing",
} as const;
const identityIdSchema = z.string().min(1).max(64);

/** Unlink from the settings page (privileged): never the account's last way to sign in. */
export async function unlinkIdentityAction(input: FormData): Promise<void> {
  const formData = formFields(input);
  const { session } = await requirePrivileged(SETTINGS);
  const parsed = identityIdSchema.safeParse(formData.get("identity_id"));
  if (!parsed.success) redirect(`${SETTINGS}?notice=identity-missing#identities`);
  const outcome = await unlinkIdentity(session.userId, parsed.data, await getClientContext());
  redirect(`${SETTINGS}${UNLINK_NOTICES[outcome]}#identities`);
}
