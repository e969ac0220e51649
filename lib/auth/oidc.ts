import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import NextAuth from "next-auth";
import type { NextAuthConfig } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import { getConfig, type OidcProviderConfig } from "@/lib/config";
import { authSecret } from "@/lib/crypto/keys";
import { finishProviderSignIn, type ProviderClaims } from "@/lib/auth/oidc-identity";
import { classifyOidcError, describeChain, type OidcFailure } from "@/lib/auth/oidc-errors";

/**
 * Auth.js (next-auth v5) runs the OpenID Connect protocol for us, and only that: discovery, the
 * authorization request with state, PKCE (S256) and nonce in its encrypted cookies (sealed with
 * AUTH_SECRET, so any of several servers can finish a flow another began), the code exchange with
 * client_secret_basic, and the ID token's checks (signature, issuer, audience, expiry, nonce).
 *
 * It never holds a session. Its signIn callback hands the verified claims to
 * lib/auth/oidc-identity.ts, which ends in completeFirstFactor (our `sessions` row and cookie) and
 * answers with where to go; a string from signIn makes Auth.js redirect there *instead of* writing
 * its own session cookie (@auth/core's handleAuthorized), so the `sessions` table stays the only
 * session there is.
 */
export const OIDC_PROVIDER_ID = "oidc";
/** Where Auth.js lives; the redirect URI to register is APP_ORIGIN + this + /callback/oidc. */
const BASE_PATH = "/api/auth";

function provider(oidc: OidcProviderConfig): OIDCConfig<ProviderClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: oidc.name,
    type: "oidc",
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    client: { token_endpoint_auth_method: "client_secret_basic" },
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid email" } },
    // The profile is the ID token's claims as Auth.js validated them; nothing is fetched besides.
    profile: (claims) => ({ id: typeof claims.sub === "string" ? claims.sub : undefined, email: typeof claims.email === "string" ? claims.email : null }),
  };
}

/** The Auth.js error a failed request logged, for the route handler to word (see oidcFailureOf). */
const failures = new AsyncLocalStorage<{ failure?: OidcFailure }>();

function authConfig(): NextAuthConfig {
  const config = getConfig();
  // Auth.js derives its own URL (and so the redirect_uri it sends) from AUTH_URL, else from the
  // request's Host. Behind a proxy the Host is whatever it forwards; the registered redirect URI
  // is APP_ORIGIN's, so pin it (an operator's own AUTH_URL wins).
  process.env.AUTH_URL ??= new URL(BASE_PATH, config.origin).href;
  return {
    basePath: BASE_PATH,
    secret: authSecret(),
    trustHost: true,
    providers: config.oidc ? [provider(config.oidc)] : [],
    // Required by Auth.js to run; never reached: signIn below always answers with a URL.
    session: { strategy: "jwt" },
    // Auth.js redirects here on a failed callback; the route handler rewrites that redirect.
    pages: { signIn: "/login", error: "/login" },
    useSecureCookies: config.secureCookies,
    callbacks: {
      async signIn({ profile }) {
        return finishProviderSignIn((profile ?? {}) as ProviderClaims);
      },
    },
    logger: {
      error(error) {
        const failure = classifyOidcError(error);
        const store = failures.getStore();
        if (store) store.failure = failure;
        // The cause chain is for the operator; the browser only sees the reason's words.
        console.error(`[oidc] ${failure}: ${describeChain(error)}`);
      },
      warn(code) {
        // "debug-enabled" and the like: nothing a user sees.
        if (code !== "debug-enabled") console.warn(`[oidc] ${code}`);
      },
    },
  };
}

const authjs = NextAuth(() => authConfig());

export function oidcConfigured(): boolean {
  return getConfig().oidc !== undefined;
}

export function oidcProviderName(): string | undefined {
  return getConfig().oidc?.name;
}

/**
 * Runs an Auth.js route request, noting the error it logged (if any): Auth.js turns every failure
 * into a redirect to pages.error with a coarse type, and only its logger sees the cause.
 */
export async function runAuthRoute(request: Request, method: "GET" | "POST"): Promise<{ response: Response; failure?: OidcFailure }> {
  const store: { failure?: OidcFailure } = {};
  const response = await failures.run(store, () => authjs.handlers[method](request as Parameters<typeof authjs.handlers.GET>[0]));
  return { response, failure: store.failure };
}

/**
 * Starts the authorization request from a server action: Auth.js sets its state, PKCE and nonce
 * cookies and answers with the provider's authorization URL. `extra` adds authorization
 * parameters (re-authentication asks for prompt=login and max_age=0). A provider that can't be
 * reached (discovery failed) is a failure, not a throw.
 */
export async function authorizationUrl(extra: Record<string, string>): Promise<{ url: string } | { failure: OidcFailure }> {
  const store: { failure?: OidcFailure } = {};
  let url: unknown;
  try {
    url = await failures.run(store, () => authjs.signIn(OIDC_PROVIDER_ID, { redirect: false, redirectTo: "/" }, extra));
  } catch (error) {
    return { failure: store.failure ?? classifyOidcError(error) };
  }
  // On failure Auth.js answers with its error page, on our origin; the provider's URL never is.
  if (typeof url !== "string" || store.failure || new URL(url, getConfig().origin).origin === getConfig().origin.origin) {
    return { failure: store.failure ?? "unavailable" };
  }
  return { url };
}
