"use server";

import { redirect } from "next/navigation";
import { cancelAccountRecovery } from "@/lib/auth/account-recovery";
import { requireSignedIn } from "@/lib/auth/guards";
import { getClientContext } from "@/lib/security/client";

/**
 * **Cancel this recovery**, from the banner on every signed-in page. A public POST endpoint like
 * every action: it checks for a fully signed-in session itself. Cancelling twice is harmless.
 */
export async function cancelAccountRecoveryAction(): Promise<void> {
  const { session } = await requireSignedIn("/");
  const cancelled = await cancelAccountRecovery(session.userId, "owner", await getClientContext());
  redirect(cancelled ? "/?notice=recovery-cancelled" : "/");
}
