// The peer of `npm run bench`: Better Auth with what Twofold offers for sign-in (email and
// password, TOTP, backup codes), on better-sqlite3, configured as its documentation shows and
// otherwise left at its defaults (scrypt password hashing, its in-memory rate limiter, encrypted
// backup codes). Two changes: the same SQLite pragmas Twofold uses (db/client.ts), so the database
// layer doesn't decide the comparison, and no rate limit on /get-session (see below).
import { betterAuth } from "better-auth";
import { twoFactor } from "better-auth/plugins";
import Database from "better-sqlite3";

export function createPeerAuth({ databasePath, baseURL, secret }) {
  const sqlite = new Database(databasePath);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const auth = betterAuth({
    appName: "Peer",
    baseURL,
    secret,
    database: sqlite,
    emailAndPassword: { enabled: true },
    plugins: [twoFactor()],
    telemetry: { enabled: false },
    // Its default limiter allows 100 requests per 10 s per client address on every endpoint; the
    // bench's session checks all come from one address, as no real client's would. Sign-in and
    // second-factor posts keep every default (the bench gives each a distinct address).
    rateLimit: { customRules: { "/get-session": false } },
  });
  return { auth, sqlite };
}
