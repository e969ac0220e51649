// A real OpenID Connect provider for the e2e suite (the certified `oidc-provider` package), on
// loopback, started by scripts/e2e-server.mjs. Test-only: a fixed signing key, one confidential
// client (client_secret_basic, PKCE), and the package's development login and consent screens,
// which a browser test drives. Any login is accepted; the login typed decides the account:
//   any address                 sub = the login, email = it, email_verified: true
//   unverified+…@…              the same with email_verified: false
// Test controls under /__test/ (POST, loopback only):
//   /__test/tamper?claim=exp|iss|mfa  the next ID token comes back expired, or from another issuer,
//                                  or claiming the provider's own MFA (amr, acr), re-signed with the
//                                  provider's own key (so only that differs)
//   /__test/down?on=1|0            while on, every provider request has its connection dropped
import http from "node:http";
import Provider from "oidc-provider";
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from "jose";

// Test-only key, committed on purpose: the app trusts whatever the discovery document serves.
const SIGNING_KEY = {
  kty: "EC",
  crv: "P-256",
  x: "r50KzLshOvyd6hQFSrHqww7XaFPd9nWYbMhsnjNMe5A",
  y: "dbdQWh-stMkJ5Glpi-wOv6Isyc3LkSKXCB2DsBH4ReE",
  d: "-_yVClr9aOT_FKvgH2D14wA0MvOzxEh1Q79-KLpzF90",
  kid: "twofold-e2e",
  alg: "ES256",
  use: "sig",
};

export const TEST_CLIENT = { id: "twofold-e2e", secret: "e2e-client-secret-" + "0".repeat(24) };

/**
 * Starts the provider on `port` (issuer http://127.0.0.1:PORT) for an app at `appOrigin`.
 * Resolves with { issuer, stop }.
 */
export async function startOidcProvider({ port, appOrigin }) {
  // 127.0.0.1, not localhost: the server listens on loopback IPv4 only, and the app's fetch of
  // "localhost" might try ::1 first.
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: [`${appOrigin}/api/auth/callback/oidc`],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "ES256",
        // Always say when the user signed in: the app checks it after asking for max_age=0.
        require_auth_time: true,
      },
    ],
    jwks: { keys: [SIGNING_KEY] },
    cookies: { keys: ["twofold-e2e-provider-cookie-key"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    // The claims in the ID token itself (the app reads only the ID token, as Auth.js hands it over).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const email = id.toLowerCase();
      return {
        accountId: id,
        async claims() {
          return { sub: id, email, email_verified: !email.startsWith("unverified+") };
        },
      };
    },
    // Each test signs in afresh: no remembered consent across tests is needed, but within a
    // browser the provider's session is kept (as a real one would).
    ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });
  provider.proxy = false;
  // The dev screens warn that they are for development: that is what this is.
  provider.on("server_error", (_ctx, error) => console.error(`[oidc-provider] ${error.message}`));

  const key = await importJWK(SIGNING_KEY, "ES256");
  let tamper; // "exp" | "iss" | undefined, for the next token response only
  let down = false;

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== "/token" || !tamper || !ctx.body || typeof ctx.body !== "object" || !ctx.body.id_token) return;
    const claims = decodeJwt(ctx.body.id_token);
    const header = decodeProtectedHeader(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (tamper === "exp") Object.assign(claims, { iat: now - 1200, exp: now - 600 });
    if (tamper === "iss") claims.iss = "http://localhost:1/not-the-provider";
    if (tamper === "mfa") Object.assign(claims, { amr: ["pwd", "mfa", "otp"], acr: "http://schemas.openid.net/pape/policies/2007/06/multi-factor" });
    tamper = undefined;
    ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader(header).sign(key) };
  });

  const callback = provider.callback();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname.startsWith("/__test/")) {
      if (req.method !== "POST") return void res.writeHead(405).end();
      if (url.pathname === "/__test/tamper") {
        const claim = url.searchParams.get("claim");
        if (claim !== "exp" && claim !== "iss" && claim !== "mfa") return void res.writeHead(400).end();
        tamper = claim;
      } else if (url.pathname === "/__test/down") {
        down = url.searchParams.get("on") === "1";
      } else return void res.writeHead(404).end();
      return void res.writeHead(204).end();
    }
    if (down) return void req.socket.destroy();
    callback(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    issuer,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
