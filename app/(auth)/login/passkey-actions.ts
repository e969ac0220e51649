"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { getAccess } from "@/lib/auth/guards";
import { completeFirstFactor, FIRST_FACTOR_MODES, type FirstFactorMode } from "@/lib/auth/first-factor";
import { safeReturnTo } from "@/lib/auth/return-to";
import { signInAttemptBinding } from "@/lib/auth/session";
import { createAuthenticationOptions, verifyWebAuthnUse } from "@/lib/mfa/webauthn";
import { authenticationResponseSchema } from "@/lib/mfa/webauthn-input";
import { getClientContext } from "@/lib/security/client";
import { spendPasskeyAttempt, spendReauthFirstFactorAttempt } from "@/lib/security/rate-limit";
import type { FormState } from "@/components/ui/form-state";
import { RETRY_MESSAGES } from "../retry-messages";
import { SIGN_IN_MESSAGES } from "./messages";

export type BeginPasskeyResult = { ok: true; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; message: string };

const modeSchema = z.enum(FIRST_FACTOR_MODES);

const PASSKEY_MESSAGES = {
  failed: "That passkey couldn't be used to sign in. Try again, or sign in with your password.",
  not_passkey: "This key can only be used after your password. Sign in with your password first.",
  signed_out: "You're no longer signed in. Sign in again to continue.",
  wrong_account: "That passkey belongs to another account. Use a passkey of the account you're signed in to.",
  raced: RETRY_MESSAGES.raced,
} as const;

/**
 * The ceremony's scope. A sign-in has nobody yet: its challenge is bound to the browser's sign-in
 * attempt cookie. A re-authentication is bound to the signed-in session and its user, so only that
 * account's passkeys are offered and accepted.
 */
async function scopeFor(mode: FirstFactorMode, create: boolean): Promise<{ binding: string; userId?: string; email?: string } | null> {
  if (mode === "reauth") {
    const access = await getAccess();
    return access.kind === "signed_in" ? { binding: access.session.id, userId: access.session.userId, email: access.session.email } : null;
  }
  const binding = await signInAttemptBinding({ create });
  return binding ? { binding } : null;
}

/**
 * Issues a challenge. Stateless (nothing is written), so a page view that asks for one, as
 * /login does for passkey autofill, costs nothing and needs no rate limit.
 */
export async function beginPasskeySignIn(mode: unknown): Promise<BeginPasskeyResult> {
  const parsedMode = modeSchema.safeParse(mode);
  if (!parsedMode.success) return { ok: false, message: PASSKEY_MESSAGES.failed };
  const scope = await scopeFor(parsedMode.data, true);
  if (!scope) return { ok: false, message: PASSKEY_MESSAGES.signed_out };
  return { ok: true, options: await createAuthenticationOptions({ purpose: "passkey", binding: scope.binding, userId: scope.userId }) };
}

export async function finishPasskeySignIn(response: unknown, returnTo: unknown, mode: unknown): Promise<FormState> {
  const client = await getClientContext();
  const parsedMode = modeSchema.safeParse(mode);
  const parsed = authenticationResponseSchema.safeParse(response);
  if (!parsedMode.success || !parsed.success) return { message: PASSKEY_MESSAGES.failed };
  const scope = await scopeFor(parsedMode.data, false);
  if (!scope) return { message: parsedMode.data === "reauth" ? PASSKEY_MESSAGES.signed_out : PASSKEY_MESSAGES.failed };
  // Signatures can't be guessed, but each attempt costs work: same budget as passwords (a
  // signed-in user's re-authentication spends the account's, never the shared address's).
  const limit = scope.email !== undefined ? await spendReauthFirstFactorAttempt(scope.email) : await spendPasskeyAttempt(client);
  if (!limit.allowed) return { message: SIGN_IN_MESSAGES.throttled(limit.reason === "throttled" ? limit.retryAfterSeconds : 3600) };
  // The WebAuthn method logs a possibly copied key itself.
  const outcome = await verifyWebAuthnUse({ purpose: "passkey", binding: scope.binding, userId: scope.userId, response: parsed.data }, client);
  if (!outcome.ok) {
    if (outcome.reason === "not_passkey") return { message: PASSKEY_MESSAGES.not_passkey };
    if (outcome.reason === "wrong_user") return { message: PASSKEY_MESSAGES.wrong_account };
    return { message: PASSKEY_MESSAGES.failed };
  }
  const completed = await completeFirstFactor(outcome.userId, { method: "passkey", credentialName: outcome.credential.name }, parsedMode.data, client);
  if (completed.kind === "raced") return { message: PASSKEY_MESSAGES.raced };
  redirect(safeReturnTo(returnTo));
}
