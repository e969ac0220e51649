import "server-only";
import { deleteSession } from "@/db/queries/sessions";
import { createSession, recordAuthenticationStep, setSessionCookie, type Session } from "@/lib/auth/session";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * A verified passkey (discoverable credential + user verification) is a complete multi-factor
 * authentication: a new session starts at aal2, or the browser's session of the same user is
 * re-authenticated (privileged window restarts). Sets the session cookie.
 */
export async function completePasskeySignIn(userId: string, existing: Session | null, client: ClientContext, credentialName: string): Promise<void> {
  const step = { method: "webauthn" as const, multiFactor: true };
  if (existing && existing.userId === userId) {
    if (await recordAuthenticationStep(existing, { ...step, effect: "complete" })) {
      await recordSecurityEvent(userId, "reauth.succeeded", client, { method: "webauthn", key: credentialName });
      return;
    }
  } else if (existing) {
    await deleteSession(existing.id);
  }
  const token = await createSession({ userId, ...step, complete: true, client });
  await setSessionCookie(token);
  await recordSecurityEvent(userId, "signin.succeeded", client, { method: "webauthn", passkey: true, key: credentialName });
}
