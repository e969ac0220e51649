"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getAccess, requirePrivileged } from "@/lib/auth/guards";
import { authorizationUrl, oidcConfigured } from "@/lib/auth/oidc";
import { OIDC_MODES, recordOidcRefusal, refusalUrl, saveOidcIntent } from "@/lib/auth/oidc-identity";
import { safeReturnTo, signInUrl } from "@/lib/auth/return-to";
import { formFields } from "@/lib/security/action-input";
import { getClientContext } from "@/lib/security/client";

const modeSchema = z.enum(OIDC_MODES).catch("sign_in");

/**
 * Starts a round trip through the OpenID Connect provider: a sign-in (/login), the
 * re-authentication of an account without a password (/login?refresh=true), or linking an
 * identity to the signed-in account (settings, privileged). A plain form's action, so it works
 * without JavaScript: the answer is a redirect to the provider.
 */
export async function startOidcAction(input: FormData): Promise<void> {
  const formData = formFields(input);
  const mode = modeSchema.parse(formData.get("mode"));
  const returnTo = safeReturnTo(formData.get("return_to"));
  if (!oidcConfigured()) redirect(signInUrl(returnTo));

  let userId: string | undefined;
  const extra: Record<string, string> = {};
  if (mode === "link") {
    userId = (await requirePrivileged("/settings/security")).session.userId;
  } else if (mode === "reauth") {
    const access = await getAccess();
    if (access.kind !== "signed_in") redirect(signInUrl(returnTo));
    userId = access.session.userId;
    // The provider must sign the user in again now, not reuse its own session (auth_time is checked on return).
    extra.prompt = "login";
    extra.max_age = "0";
  } else {
    const access = await getAccess();
    if (access.kind === "signed_in") redirect(returnTo);
  }

  const intent = { mode, returnTo: mode === "link" ? "/settings/security" : returnTo, startedAt: Date.now(), userId };
  const started = await authorizationUrl(extra);
  if ("failure" in started) {
    await recordOidcRefusal(started.failure, intent, await getClientContext());
    redirect(refusalUrl(started.failure, intent));
  }
  await saveOidcIntent(intent);
  redirect(started.url);
}
