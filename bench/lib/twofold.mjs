// Twofold under test: the production build (server.mjs, as `npm start`) on a fresh SQLite file, driven exactly as
// a browser without JavaScript drives it (multipart posts of the server-action forms).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { TwofoldSeeder } from "../twofold/seed.mjs";
import {
  BOUNDARY, addressSequence, base32Decode, freePort, hiddenFields, multipart, request, setCookies,
  startProcess, stopProcess, totp, waitForHttp,
} from "./util.mjs";

export async function startTwofold({ appDir, workDir, password }) {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const authSecret = randomBytes(32).toString("hex");
  const databasePath = path.join(workDir, "twofold.db");
  const seeder = new TwofoldSeeder({ appDir, databasePath, authSecret, password });
  await seeder.open(); // creates and migrates the file the server will use

  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", shows where a scenario's CPU goes.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = path.join(appDir, "server.mjs");
  const child = startProcess(process.execPath, [...nodeArgs, server, "-p", String(port), "-H", "127.0.0.1"], {
    cwd: appDir,
    logFile: path.join(workDir, "twofold-server.log"),
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_PATH: databasePath,
      AUTH_SECRET: authSecret,
      APP_ORIGIN: origin,
      OUTBOX_DIR: path.join(workDir, "outbox"),
      // The bench plays the one trusted proxy: each request carries its client's own address.
      TRUSTED_PROXY_HOPS: "1",
    },
  });
  await waitForHttp(port, "/login", child);

  const nextIp = addressSequence();
  // Connections go to 127.0.0.1; Host and Origin are the origin users see (APP_ORIGIN), as a
  // browser would send them, or the server actions refuse the post.
  const base = { Host: `localhost:${port}`, "User-Agent": "twofold-bench" };
  const post = { ...base, Origin: origin, "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` };
  const cookie = (token) => `twofold.session=${token}`;
  const gotSession = (h) => setCookies(h).some((c) => c.startsWith("twofold.session=") && !c.startsWith("twofold.session=;"));

  async function formFields(pagePath, token, marker) {
    const page = await request(port, { path: pagePath, headers: { ...base, ...(token ? { Cookie: cookie(token) } : {}) } });
    if (page.status !== 200) return { error: `GET ${pagePath} answered ${page.status}` };
    const fields = hiddenFields(page.body, marker);
    return fields ? { fields } : { error: `no server-action form with ${marker} on ${pagePath}` };
  }

  const login = await formFields("/login", null, 'name="password"');
  if (login.error) throw new Error(`Twofold: ${login.error}`);
  let totpForm;
  let recoveryForm;

  const scenarios = {
    signin: {
      reusable: true,
      seed: async (n) => seeder.passwordUsers(Math.min(n, 400)),
      build: (e) => ({
        method: "POST", path: "/login",
        headers: { ...post, "X-Forwarded-For": nextIp() },
        body: multipart([...login.fields, ["email", e.email], ["password", password]]),
      }),
      validate: (s, h) => (s === 303 && h.location === "/" && gotSession(h) ? null : `status ${s}, location ${h.location ?? "-"}`),
    },
    totp: {
      seed: async (n) => {
        const entries = seeder.totpPending(n);
        totpForm ??= await formFields("/login/2fa", entries.pop().token, 'name="code"');
        if (totpForm.error) throw new Error(`Twofold: ${totpForm.error}`);
        return entries;
      },
      build: (e) => ({
        method: "POST", path: "/login/2fa",
        headers: { ...post, Cookie: cookie(e.token), "X-Forwarded-For": nextIp() },
        body: multipart([...totpForm.fields, ["code", totp(base32Decode(e.secret))]]),
      }),
      validate: (s, h) => (s === 303 && h.location === "/" && gotSession(h) ? null : `status ${s}, location ${h.location ?? "-"}`),
    },
    recovery: {
      seed: async (n) => {
        const entries = seeder.recoveryPending(n);
        if (!entries) return { unavailable: "this build has no recovery-code tables" };
        recoveryForm ??= await formFields("/login/2fa?method=lookup_secret", entries.pop().token, 'name="code"');
        if (recoveryForm.error) return { unavailable: recoveryForm.error };
        // The TOTP form also has a `code` field: make sure this is the recovery-code action.
        if (totpForm && JSON.stringify(recoveryForm.fields) === JSON.stringify(totpForm.fields)) {
          return { unavailable: "the second-factor page offers no recovery-code form in this build" };
        }
        return entries;
      },
      build: (e) => ({
        method: "POST", path: "/login/2fa?method=lookup_secret",
        headers: { ...post, Cookie: cookie(e.token), "X-Forwarded-For": nextIp() },
        body: multipart([...recoveryForm.fields, ["code", e.code]]),
      }),
      validate: (s, h) =>
        s === 303 && String(h.location).startsWith("/login/2fa/recovery-code-used") && gotSession(h)
          ? null
          : `status ${s}, location ${h.location ?? "-"}`,
    },
    session: {
      reusable: true,
      seed: async (n) => seeder.fullSessions(Math.min(n, 64)),
      build: (e) => ({ method: "GET", path: "/api/session", headers: { ...base, Cookie: cookie(e.token) } }),
      validate: (s, _h, body) => (s === 200 && body.includes('"aal":"aal2"') ? null : `status ${s}, body ${body.slice(0, 80)}`),
    },
    settings: {
      reusable: true,
      seed: async (n) => seeder.fullSessions(Math.min(n, 64)),
      build: (e) => ({ method: "GET", path: "/settings/security", headers: { ...base, Cookie: cookie(e.token) } }),
      validate: (s, h, body) =>
        s === 200 && body.includes("</html>") ? null : `status ${s}, location ${h.location ?? "-"}`,
    },
  };

  return {
    name: "Twofold",
    port,
    pid: child.pid,
    scenarios,
    // For small one-off measurements (bench/throttled-timing.mjs).
    seed: seeder,
    headers: { base, post },
    log: () => child.log(),
    async stop() {
      await stopProcess(child);
      seeder.close();
    },
  };
}
