import "server-only";
import { deleteSession } from "@/db/queries/sessions";
import { findUserById } from "@/db/queries/users";
import { accessFor } from "@/lib/auth/flow";
import { clearPasswordFailures } from "@/lib/auth/password-sign-in";
import { createSession, recordAuthenticationStep, setSessionCookie, type Session } from "@/lib/auth/session";
import { recordSecurityEvent } from "@/lib/security/audit";
import { ipBucketKey, type ClientContext } from "@/lib/security/client";
import { refundAttempt, resetAttempts } from "@/lib/security/rate-limit";

/**
 * What the page asked for: "sign_in" on /login, "reauth" on /login?refresh=true. Only a
 * re-authentication may append to an existing session's AMR; a sign-in never does.
 */
export type PasskeyMode = "sign_in" | "reauth";
export const PASSKEY_MODES = ["sign_in", "reauth"] as const satisfies readonly PasskeyMode[];

export type PasskeyCompletion = { ok: true } | { ok: false; reason: "raced" };

/**
 * A verified passkey (discoverable credential + user verification) is a complete multi-factor
 * authentication, and the owner's proof of the account: it ends any run of failed password and
 * second-factor attempts against it, and gives the client address its attempt back.
 *
 * - reauth: the browser's session of this user is re-authenticated (webauthn appended, privileged
 *   window restarts, token rotated).
 * - sign_in: a new session starts at aal2 (any other session in this browser ends), except when
 *   the browser already holds a complete session of this user: then nothing is recorded and the
 *   caller just sends it on. That happens when a passkey autofill ceremony begun on /login finishes
 *   after the browser signed in another way (another tab, or an earlier ceremony): appending it
 *   would record an authentication the user never asked for (AMR ["webauthn", "webauthn"]).
 */
export async function completePasskeySignIn(input: {
  mode: PasskeyMode;
  userId: string;
  existing: Session | null;
  client: ClientContext;
  credentialName: string;
}): Promise<PasskeyCompletion> {
  const { mode, userId, existing, client, credentialName } = input;
  await provenOwner(userId, client);
  const step = { method: "webauthn" as const, multiFactor: true };
  if (existing && existing.userId === userId) {
    if (mode === "reauth") {
      if (!(await recordAuthenticationStep(existing, { ...step, effect: "complete" }))) return { ok: false, reason: "raced" };
      await recordSecurityEvent(userId, "reauth.succeeded", client, { method: "webauthn", key: credentialName });
      return { ok: true };
    }
    if ((await accessFor(existing)).kind === "signed_in") return { ok: true };
  }
  if (existing) await deleteSession(existing.id);
  const token = await createSession({ userId, ...step, complete: true, client });
  await setSessionCookie(token);
  await recordSecurityEvent(userId, "signin.succeeded", client, { method: "webauthn", passkey: true, key: credentialName });
  return { ok: true };
}

async function provenOwner(userId: string, client: ClientContext): Promise<void> {
  const user = await findUserById(userId);
  await Promise.all([
    user ? clearPasswordFailures(user.email) : undefined,
    resetAttempts("secondFactorAccount", userId),
    refundAttempt("signInIp", ipBucketKey(client.ip)),
  ]);
}
