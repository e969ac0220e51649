// The peer under test: bench/peer/server.mjs (Better Auth on Node's http server) on a fresh
// SQLite file, driven through Better Auth's JSON endpoints, the ones its client library calls.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { addressSequence, capture, freePort, setCookies, startProcess, stopProcess, totp, waitForHttp } from "./util.mjs";

const peerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "peer");

export async function startPeer({ workDir, password }) {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const env = {
    NODE_ENV: "production",
    PEER_DATABASE_PATH: path.join(workDir, "peer.db"),
    PEER_SECRET: randomBytes(32).toString("hex"),
    PEER_BASE_URL: origin,
    BETTER_AUTH_TELEMETRY: "0",
  };
  const seed = (kind, n) =>
    JSON.parse(capture(process.execPath, [path.join(peerDir, "seed.mjs"), kind, String(n), password], { cwd: peerDir, env: { ...process.env, ...env } }));
  seed("migrate", 0);

  const child = startProcess(process.execPath, [path.join(peerDir, "server.mjs")], {
    cwd: peerDir,
    env: { ...env, PORT: String(port) },
    logFile: path.join(workDir, "peer-server.log"),
  });
  await waitForHttp(port, "/health", child);

  const nextIp = addressSequence();
  const base = { Host: `localhost:${port}`, "User-Agent": "twofold-bench" };
  const post = { ...base, Origin: origin, "Content-Type": "application/json" };
  const gotSession = (h) => setCookies(h).some((c) => c.startsWith("better-auth.session_token=") && !c.startsWith("better-auth.session_token=;"));
  const ok = (s, h, body) => (s === 200 && gotSession(h) && !body.includes("twoFactorRedirect") ? null : `status ${s}, body ${body.slice(0, 80)}`);

  const scenarios = {
    signin: {
      reusable: true,
      seed: async (n) => seed("password", Math.min(n, 400)),
      build: (e) => ({
        method: "POST", path: "/api/auth/sign-in/email",
        headers: { ...post, "X-Forwarded-For": nextIp() },
        body: JSON.stringify({ email: e.email, password }),
      }),
      validate: ok,
    },
    totp: {
      seed: async (n) => seed("totp", n),
      build: (e) => ({
        method: "POST", path: "/api/auth/two-factor/verify-totp",
        headers: { ...post, Cookie: e.cookie, "X-Forwarded-For": nextIp() },
        body: JSON.stringify({ code: totp(Buffer.from(e.secret, "base64")) }),
      }),
      validate: ok,
    },
    recovery: {
      seed: async (n) => seed("recovery", n),
      build: (e) => ({
        method: "POST", path: "/api/auth/two-factor/verify-backup-code",
        headers: { ...post, Cookie: e.cookie, "X-Forwarded-For": nextIp() },
        body: JSON.stringify({ code: e.code }),
      }),
      validate: ok,
    },
    session: {
      reusable: true,
      seed: async (n) => seed("full", Math.min(n, 64)),
      build: (e) => ({ method: "GET", path: "/api/auth/get-session", headers: { ...base, Cookie: e.cookie } }),
      validate: (s, _h, body) => (s === 200 && body.startsWith('{"session"') ? null : `status ${s}, body ${body.slice(0, 80)}`),
    },
    settings: {
      seed: async () => ({ unavailable: "Better Auth has no pages (it is an API)" }),
    },
  };

  return {
    name: "Better Auth",
    port,
    pid: child.pid,
    scenarios,
    log: () => child.log(),
    stop: () => stopProcess(child),
  };
}
