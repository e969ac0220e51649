import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { authSecret } from "@/lib/crypto/keys";
import { completeFirstFactor } from "@/lib/auth/flow";
import { checkPassword } from "@/lib/auth/password-sign-in";
import {
  readSessionFromCookie,
  sessionCookieName,
  sessionCookieOptions,
  validateSessionToken,
} from "@/lib/auth/session";
import { getClientContext } from "@/lib/security/client";

/**
 * Auth.js runs the first-factor plumbing (providers, callbacks, the cookie it sets), but the
 * "JWT" it encodes is replaced by our server-side session: `encode` creates (or re-authenticates)
 * a session row and returns its opaque token, `decode` looks the token up. So every session is a
 * row that can be listed and revoked, and a future OIDC provider becomes a first factor (AMR
 * `oidc`) by adding it to `providers`.
 */
export class SignInFailed extends CredentialsSignin {
  constructor(code: "invalid" | "busy" | "locked" | `throttled:${number}`) {
    super();
    this.code = code;
  }
}

type FirstFactorMethod = "password" | "oidc";

function authConfig(): NextAuthConfig {
  const config = getConfig();
  return {
    secret: authSecret(),
    trustHost: true,
    session: { strategy: "jwt", maxAge: config.SESSION_MAX_AGE },
    cookies: { sessionToken: { name: sessionCookieName(), options: sessionCookieOptions() } },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials) {
          const result = await checkPassword(credentials, await getClientContext());
          if (result.ok) return result.user;
          throw new SignInFailed(result.reason === "throttled" ? `throttled:${result.retryAfterSeconds}` : result.reason);
        },
      }),
    ],
    callbacks: {
      jwt({ token, account }) {
        if (account) {
          token.firstFactor = (account.type === "credentials" ? "password" : "oidc") satisfies FirstFactorMethod;
        }
        return token;
      },
    },
    jwt: {
      async encode({ token }) {
        if (!token?.sub) throw new Error("Auth.js produced a token without a subject");
        const method = (token.firstFactor as FirstFactorMethod | undefined) ?? "password";
        return completeFirstFactor(token.sub, method, await readSessionFromCookie(), await getClientContext());
      },
      async decode({ token }) {
        const session = token ? await validateSessionToken(token) : null;
        return session ? { sub: session.userId, email: session.email } : null;
      },
    },
    logger: {
      // A wrong password is an expected outcome, not a server error worth a stack trace.
      error(error) {
        if (!(error instanceof CredentialsSignin)) console.error(error);
      },
    },
  };
}

export const { signIn } = NextAuth(() => authConfig());
