import { NextResponse, type NextRequest } from "next/server";
import { runAuthRoute } from "@/lib/auth/oidc";
import { providerAnswerFailure } from "@/lib/auth/oidc-errors";
import { recordOidcRefusal, refusalUrl, takeOidcIntent } from "@/lib/auth/oidc-identity";
import { getConfig } from "@/lib/config";
import { getClientContext } from "@/lib/security/client";

/**
 * Auth.js's routes (lib/auth/oidc.ts): /api/auth/callback/oidc is the redirect URI registered at
 * the provider. Auth.js answers a failed callback (consent denied, a wrong state, an expired or
 * foreign ID token, a provider that doesn't answer) with a redirect to its error page and a coarse
 * type; here that redirect becomes our own page with the reason, and the failure is logged.
 */
export const dynamic = "force-dynamic";

async function handle(request: NextRequest, method: "GET" | "POST"): Promise<Response> {
  if (!getConfig().oidc) return new NextResponse(null, { status: 404 });
  const { response, failure } = await runAuthRoute(request, method);
  const location = response.headers.get("location");
  if (!location) return response;
  const target = new URL(location, getConfig().origin);
  const authjsError = target.origin === getConfig().origin.origin && target.pathname === "/login" && target.searchParams.has("error") &&
    // Our own refusals (lib/auth/oidc-identity.ts) are worded and logged already.
    !target.searchParams.get("error")!.startsWith("oidc_");
  if (!authjsError && !failure) return response;
  const intent = await takeOidcIntent();
  // A provider's ?error= answer reaches Auth.js's error only as "OAuthCallbackError": read it here.
  const answered = request.nextUrl.pathname.endsWith("/callback/oidc") && (failure === "failed" || failure === undefined)
    ? providerAnswerFailure(request.nextUrl.searchParams.get("error"))
    : undefined;
  const reason = answered ?? failure ?? "failed";
  await recordOidcRefusal(reason, intent, await getClientContext());
  const redirect = NextResponse.redirect(new URL(refusalUrl(reason, intent), getConfig().origin), 303);
  // Keep Auth.js's cookie clean-up (its spent state, PKCE and nonce cookies).
  for (const cookie of response.headers.getSetCookie()) redirect.headers.append("set-cookie", cookie);
  return redirect;
}

export async function GET(request: NextRequest) {
  return handle(request, "GET");
}

export async function POST(request: NextRequest) {
  return handle(request, "POST");
}
