"use server";

import { redirect } from "next/navigation";
import { endCurrentSession, readSessionFromCookie } from "@/lib/auth/session";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";

/** Ends this browser's session row (not just the cookie). Also how a sign-in in progress is abandoned. */
export async function signOutAction(): Promise<void> {
  const session = await readSessionFromCookie();
  if (session) {
    await endCurrentSession(session);
    await recordSecurityEvent(session.userId, "session.signed_out", await getClientContext());
  }
  redirect("/login");
}
