/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native modules stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "argon2"],
  poweredByHeader: false,
  // Server actions already refuse cross-origin POSTs (Origin must match Host); proxy.ts also
  // checks Origin against APP_ORIGIN. Bound request bodies well below the default 1 MB.
  experimental: { serverActions: { bodySizeLimit: "64kb" } },
  async headers() {
    // Headers that depend neither on the request nor on the deployment; the CSP (with its
    // per-request nonce) and Strict-Transport-Security (only for an https APP_ORIGIN, read at run
    // time while these are fixed at build time) are set in proxy.ts.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Not "no-referrer": with it browsers send `Origin: null` on form posts, which breaks the
          // same-origin check that protects server actions.
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
        ],
      },
      {
        // The mailed password reset link carries its token in the URL: nothing may pass that URL on.
        // The page it leads to has no token in its URL and keeps "same-origin" for its form posts.
        source: "/reset-password",
        has: [{ type: "query", key: "token" }],
        headers: [{ key: "Referrer-Policy", value: "no-referrer" }],
      },
      { source: "/reset-password/link", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
      // The account-recovery link likewise; its page has a form (Finish recovery), so, like the
      // reset page, it keeps "same-origin" once the token has left the URL.
      {
        source: "/account-recovery",
        has: [{ type: "query", key: "token" }],
        headers: [{ key: "Referrer-Policy", value: "no-referrer" }],
      },
      { source: "/account-recovery/link", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
      // The same for the mailed email links (verification, change of address). The page they land
      // on has no form to post, so it can keep "no-referrer" too.
      { source: "/verify-email", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
      { source: "/verify-email/link", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
    ];
  },
  async rewrites() {
    // `/reset-password?token=…` (CONTRACT.md) is answered by a route handler that moves the token
    // into a cookie and redirects; `/reset-password` itself is the page. `/verify-email?token=…`
    // likewise: its handler spends the link and redirects to the page that says what happened;
    // `/account-recovery?token=…` too: its handler starts the wait and hands the token to a cookie.
    return {
      beforeFiles: [
        { source: "/reset-password", has: [{ type: "query", key: "token" }], destination: "/reset-password/link" },
        { source: "/verify-email", has: [{ type: "query", key: "token" }], destination: "/verify-email/link" },
        { source: "/account-recovery", has: [{ type: "query", key: "token" }], destination: "/account-recovery/link" },
      ],
    };
  },
};

module.exports = nextConfig;
