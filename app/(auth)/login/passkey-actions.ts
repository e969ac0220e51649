"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { completePasskeySignIn } from "@/lib/auth/passkey-sign-in";
import { safeReturnTo } from "@/lib/auth/return-to";
import { readSessionFromCookie, signInAttemptBinding } from "@/lib/auth/session";
import { createAuthenticationOptions, verifyAuthentication } from "@/lib/mfa/webauthn";
import { authenticationResponseSchema } from "@/lib/mfa/webauthn-input";
import { recordSecurityEvent } from "@/lib/security/audit";
import { getClientContext } from "@/lib/security/client";
import { formatWait } from "@/lib/security/rate-limit-policy";
import { spendAttempt } from "@/lib/security/rate-limit";
import type { FormState } from "@/components/ui/form-state";

export type BeginPasskeyResult = { ok: true; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; message: string };

export async function beginPasskeySignIn(): Promise<BeginPasskeyResult> {
  const binding = (await signInAttemptBinding({ create: true }))!;
  return { ok: true, options: await createAuthenticationOptions({ purpose: "passkey", binding }) };
}

const PASSKEY_MESSAGES = {
  failed: "That passkey couldn't be used to sign in. Try again, or sign in with your password.",
  not_passkey: "This key can only be used after your password. Sign in with your password first.",
} as const;

export async function finishPasskeySignIn(response: unknown, returnTo: unknown): Promise<FormState> {
  const client = await getClientContext();
  const binding = await signInAttemptBinding({ create: false });
  const parsed = authenticationResponseSchema.safeParse(response);
  if (!binding || !parsed.success) return { message: PASSKEY_MESSAGES.failed };
  // Signatures can't be guessed, but each attempt costs work: same per-IP budget as passwords.
  const limit = await spendAttempt("signInIp", client.ip ?? "unknown");
  if (!limit.allowed) return { message: `Too many sign-in attempts. Try again in ${formatWait(limit.reason === "throttled" ? limit.retryAfterSeconds : 3600)}.` };
  const outcome = await verifyAuthentication({ purpose: "passkey", binding, response: parsed.data as never });
  if (!outcome.ok) {
    if (outcome.credential && outcome.reason === "counter") {
      await recordSecurityEvent(outcome.credential.userId, "webauthn.counter_regressed", client, { key: outcome.credential.name });
    }
    return { message: outcome.reason === "not_passkey" ? PASSKEY_MESSAGES.not_passkey : PASSKEY_MESSAGES.failed };
  }
  await completePasskeySignIn(outcome.userId, await readSessionFromCookie(), client, outcome.credential.name);
  redirect(safeReturnTo(returnTo));
}
