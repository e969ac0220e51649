import "server-only";
import { deleteSession } from "@/db/queries/sessions";
import { cancelAccountRecoveryAfterSecondFactor } from "@/lib/auth/account-recovery-cancel";
import { findUserById } from "@/db/queries/users";
import type { AuthMethod } from "@/lib/auth/aal";
import { accessFor } from "@/lib/auth/flow";
import { createSession, readSessionFromCookie, recordAuthenticationStep, setSessionCookie } from "@/lib/auth/session";
import { notePolicyAtSignIn } from "@/lib/auth/second-factor-policy";
import { availableAal } from "@/lib/mfa";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { SecurityEventDetail } from "@/lib/security/event-types";
import type { ClientContext } from "@/lib/security/client";
import { passkeySucceeded } from "@/lib/security/rate-limit";

/**
 * Where every first factor ends, whatever proved it: a password (lib/auth/password-sign-in.ts), a
 * passkey (a multi-factor WebAuthn sign-in), and the OpenID Connect provider when it comes. The
 * caller has verified the factor; this decides what it does to the browser's session, sets the
 * cookie, writes the event, and says where the user goes next.
 */
export type FirstFactor =
  | { method: "password" }
  /** The OpenID Connect provider (lib/auth/oidc-identity.ts): a first factor like a password. */
  | { method: "oidc" }
  /** A passkey: discoverable credential + user verification, both factors at once (aal2). */
  | { method: "passkey"; credentialName: string };

/**
 * What the page asked for: "sign_in" on /login, "reauth" on /login?refresh=true. Only a
 * re-authentication appends to the browser's session; a sign-in starts a new one.
 */
export type FirstFactorMode = "sign_in" | "reauth";
export const FIRST_FACTOR_MODES = ["sign_in", "reauth"] as const satisfies readonly FirstFactorMode[];

export type FirstFactorResult =
  /** Signed in (or re-authenticated) at the account's level: go where the user was going. */
  | { kind: "done" }
  /** The account has a second factor still to complete: go to /login/2fa. */
  | { kind: "second_factor_due" }
  /** Another request rotated this session at the same moment: nothing was recorded. */
  | { kind: "raced" };

export async function completeFirstFactor(
  userId: string,
  factor: FirstFactor,
  mode: FirstFactorMode,
  client: ClientContext,
): Promise<FirstFactorResult> {
  const existing = await readSessionFromCookie();
  const passkey = factor.method === "passkey";
  if (passkey) await passkeyProvedOwner(userId, client, mode);
  const complete = passkey || (await availableAal(userId)) === "aal1";
  const method: AuthMethod = passkey ? "webauthn" : factor.method;
  const detail: SecurityEventDetail = passkey
    ? { method, passkey: true, key: factor.credentialName }
    : { method, second_factor_due: !complete };

  const current = existing && existing.userId === userId ? await accessFor(existing) : undefined;
  if (existing && current?.kind === "signed_in") {
    if (mode === "reauth") {
      const token = await recordAuthenticationStep(existing, {
        method,
        multiFactor: passkey || undefined,
        effect: complete ? "complete" : "first_factor",
      });
      if (!token) return { kind: "raced" };
      await recordSecurityEvent(userId, "reauth.succeeded", client, detail);
      return complete ? { kind: "done" } : { kind: "second_factor_due" };
    }
    // Already signed in here as this user: a sign-in posted from a stale tab, or a passkey autofill
    // ceremony begun on /login that finished after the browser signed in another way. Appending it
    // would record an authentication the user never asked for (AMR ["webauthn", "webauthn"]).
    return { kind: "done" };
  }
  // Anything else in this browser (another account's session, or a half sign-in whose second step
  // is still due) gives way to a new session: a sign-in never extends a half one's step.
  if (existing) await deleteSession(existing.id);
  await notePolicyAtSignIn(userId);
  const token = await createSession({ userId, method, multiFactor: passkey || undefined, complete, client });
  await setSessionCookie(token);
  await recordSecurityEvent(userId, "signin.succeeded", client, detail);
  return complete ? { kind: "done" } : { kind: "second_factor_due" };
}

/**
 * A passkey is the owner's proof of the account: it ends any run of failed password and
 * second-factor attempts against it (the way out of their stop at 100), and gives the client
 * address its attempt back (a re-authentication spent none of the address's: nothing to give back);
 * like any second factor, it cancels an account recovery under way.
 */
async function passkeyProvedOwner(userId: string, client: ClientContext, mode: FirstFactorMode): Promise<void> {
  await passkeySucceeded(userId, (await findUserById(userId))?.email, client, mode === "reauth" ? "reauth" : "sign_in");
  await cancelAccountRecoveryAfterSecondFactor(userId, client);
}
