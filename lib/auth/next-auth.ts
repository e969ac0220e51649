import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig, type User } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { authSecret } from "@/lib/crypto/keys";
import { randomToken } from "@/lib/crypto/random";
import { completeFirstFactor } from "@/lib/auth/flow";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { readSessionFromCookie, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session";
import { getClientContext } from "@/lib/security/client";

/**
 * Auth.js runs the first-factor plumbing (providers, callbacks, the cookie it sets), but the
 * "JWT" it encodes is replaced by our server-side session: `encode` creates (or re-authenticates)
 * a session row and returns its opaque token. So every session is a row that can be listed and
 * revoked, and a future OIDC provider becomes a first factor (AMR `oidc`) by adding it to
 * `providers`.
 */
export class SignInFailed extends CredentialsSignin {
  constructor(code: "invalid" | "busy" | "locked" | `throttled:${number}`) {
    super();
    this.code = code;
  }
}

type FirstFactorMethod = "password" | "oidc";

/**
 * Auth.js calls `encode` on a sign-in, but also whenever its session handlers (`auth()`,
 * `/api/auth/session`, `update()`) refresh a token. Since our `encode` records a first factor,
 * it must only run right after one really succeeded, or any of those calls would renew
 * `authenticated_at` with no password. So the provider that checked the factor mints a proof
 * (random, single use, 60 s: the time from the check to the encode in the same request), the `jwt`
 * callback carries it only on a real sign-in (when Auth.js passes `account`), and `encode` spends
 * it. An OIDC provider would mint its proof in the `signIn` callback, for `account.type` "oidc".
 */
const FIRST_FACTOR_PROOF_LIFETIME_MS = 60_000;

const firstFactorProofs = new Map<string, { userId: string; method: FirstFactorMethod; expiresAt: number }>();

function mintFirstFactorProof(userId: string, method: FirstFactorMethod, now = Date.now()): string {
  // Swept here: proofs only appear after a successful (rate-limited, hashed) check, so few are live.
  for (const [id, proof] of firstFactorProofs) if (proof.expiresAt <= now) firstFactorProofs.delete(id);
  const id = randomToken();
  firstFactorProofs.set(id, { userId, method, expiresAt: now + FIRST_FACTOR_PROOF_LIFETIME_MS });
  return id;
}

/** The method the proof vouches for, or null; a proof is gone after its first presentation. */
function spendFirstFactorProof(id: unknown, userId: string, now = Date.now()): FirstFactorMethod | null {
  if (typeof id !== "string") return null;
  const proof = firstFactorProofs.get(id);
  if (!proof) return null;
  firstFactorProofs.delete(id);
  return proof.expiresAt > now && proof.userId === userId ? proof.method : null;
}

type ProvenUser = User & { firstFactorProof?: string };

/** Exported for tests; the app only uses `signIn` below. */
export function authConfig(): NextAuthConfig {
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
          if (result.ok) {
            const user: ProvenUser = { ...result.user, firstFactorProof: mintFirstFactorProof(result.user.id, "password") };
            return user;
          }
          throw new SignInFailed(result.reason === "throttled" ? `throttled:${result.retryAfterSeconds}` : result.reason);
        },
      }),
    ],
    callbacks: {
      jwt({ token, user, account }) {
        // Whatever the token carried, only a sign-in that just happened may hand a proof to encode.
        delete token.firstFactorProof;
        const proof = (user as ProvenUser | undefined)?.firstFactorProof;
        if (account && typeof proof === "string") token.firstFactorProof = proof;
        return token;
      },
    },
    jwt: {
      async encode({ token }) {
        const userId = token?.sub;
        const method = userId ? spendFirstFactorProof(token.firstFactorProof, userId) : null;
        if (!userId || !method) throw new Error("Auth.js asked for a session without a first factor that just succeeded");
        return completeFirstFactor(userId, method, await readSessionFromCookie(), await getClientContext());
      },
      // Auth.js never reads our sessions: lib/auth/session.ts does, with the expiry, idle and
      // second-factor rules. Answering "no session" keeps Auth.js from treating a half signed-in
      // session as a user, and reads or writes nothing.
      async decode() {
        return null;
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
