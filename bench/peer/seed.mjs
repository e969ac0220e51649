// `node bench/peer/seed.mjs <kind> <count>`: writes bench data into the peer's database through
// Better Auth's own internal adapter and crypto (users, credential accounts, twoFactor rows with
// encrypted secrets and backup codes, pending two-factor challenges, sessions) and prints the
// entries as JSON on stdout. Signing in through the API instead would cost one scrypt per entry.
// Env: PEER_DATABASE_PATH, PEER_SECRET, PEER_BASE_URL. kind: migrate | password | totp | recovery | full.
import { generateRandomString, makeSignature, symmetricEncrypt } from "better-auth/crypto";
import { getMigrations } from "better-auth/db/migration";
import { createPeerAuth } from "./auth.mjs";

const [kind, countArg, password = "bench-password-123"] = process.argv.slice(2);
const count = Number(countArg ?? 0);
const { auth, sqlite } = createPeerAuth({
  databasePath: process.env.PEER_DATABASE_PATH,
  baseURL: process.env.PEER_BASE_URL,
  secret: process.env.PEER_SECRET,
});
const ctx = await auth.$context;

/** better-call's signed cookie value: `<value>.<base64 HMAC-SHA-256>`, URI-encoded. */
const signed = async (value) => encodeURIComponent(`${value}.${await makeSignature(value, ctx.secret)}`);
const cookieName = (name) => ctx.createAuthCookie(name).name;
let n = 0;
const stamp = Date.now().toString(36);

async function user(prefix, { twoFactorEnabled }) {
  const u = await ctx.internalAdapter.createUser({
    email: `${prefix}-${stamp}-${(n++).toString(36)}@bench.test`,
    name: "Bench",
    emailVerified: true,
    twoFactorEnabled,
  });
  await ctx.internalAdapter.linkAccount({ userId: u.id, providerId: "credential", accountId: u.id, password: sharedHash });
  return u;
}

/** As /two-factor/enable then verify-totp do: 32-character secret, 10 backup codes, both encrypted. */
async function enableTwoFactor(userId) {
  const secret = generateRandomString(32);
  const backupCodes = Array.from({ length: 10 }, () => generateRandomString(10, "a-z", "0-9", "A-Z")).map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
  await ctx.adapter.create({
    model: "twoFactor",
    data: {
      userId,
      secret: await symmetricEncrypt({ key: ctx.secretConfig, data: secret }),
      backupCodes: await symmetricEncrypt({ key: ctx.secretConfig, data: JSON.stringify(backupCodes) }),
      verified: true,
    },
  });
  return { secret, backupCodes };
}

/** As the plugin's sign-in hook does when a second factor is due (two verification rows + cookie). */
async function pendingChallenge(userId) {
  const identifier = `2fa-${generateRandomString(20)}`;
  const expiresAt = new Date(Date.now() + 600_000);
  await ctx.internalAdapter.createVerificationValue({ value: userId, identifier, expiresAt });
  await ctx.internalAdapter.createVerificationValue({ value: "0", identifier: `2fa-attempts-${identifier}`, expiresAt });
  return `${cookieName("two_factor")}=${await signed(identifier)}`;
}

async function sessionCookie(userId) {
  const session = await ctx.internalAdapter.createSession(userId);
  return `${cookieName("session_token")}=${await signed(session.token)}`;
}

let sharedHash;
if (kind === "migrate") {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  console.log("[]");
} else {
  // One real scrypt hash with Better Auth's parameters, shared by every seeded account.
  sharedHash = await ctx.password.hash(password);
  const entries = [];
  sqlite.exec("BEGIN");
  for (let i = 0; i < count; i++) {
    if (kind === "password") {
      entries.push({ email: (await user("pw", { twoFactorEnabled: false })).email });
    } else if (kind === "totp") {
      const u = await user("totp", { twoFactorEnabled: true });
      const { secret } = await enableTwoFactor(u.id);
      entries.push({ cookie: await pendingChallenge(u.id), secret: Buffer.from(secret, "utf8").toString("base64") });
    } else if (kind === "recovery") {
      const u = await user("rc", { twoFactorEnabled: true });
      const { backupCodes } = await enableTwoFactor(u.id);
      entries.push({ cookie: await pendingChallenge(u.id), code: backupCodes[i % 10] });
    } else if (kind === "full") {
      const u = await user("full", { twoFactorEnabled: true });
      await enableTwoFactor(u.id);
      entries.push({ cookie: await sessionCookie(u.id) });
    } else {
      throw new Error(`unknown kind ${kind}`);
    }
  }
  sqlite.exec("COMMIT");
  process.stdout.write(JSON.stringify(entries));
}
sqlite.close();
