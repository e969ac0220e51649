// Twofold under test: the production build (server.mjs, as `npm start`) on a fresh database, driven
// exactly as a browser without JavaScript drives it (multipart posts of the server-action forms).
// By default one server on a SQLite file; with `databaseUrl`, `servers` app servers on that
// PostgreSQL database, behind nginx (scripts/load-balancer.mjs) when there are several.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startLoadBalancer } from "../../scripts/load-balancer.mjs";
import { TwofoldSeeder } from "../twofold/seed.mjs";
import {
  BOUNDARY, addressSequence, base32Decode, freePort, hiddenFields, multipart, request, setCookies,
  startProcess, stopProcess, totp, waitForHttp,
} from "./util.mjs";

export async function startTwofold({ appDir, workDir, password, name = "Twofold", databaseUrl, servers = 1, poolSize }) {
  const balanced = servers > 1;
  const appPorts = [];
  for (let i = 0; i < servers; i++) appPorts.push(await freePort());
  // The port the bench talks to: nginx's when it balances, else the one server's.
  const port = balanced ? await freePort() : appPorts[0];
  const origin = `http://localhost:${port}`;
  const authSecret = randomBytes(32).toString("hex");
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const databasePath = path.join(workDir, `${slug}.db`);
  const seeder = new TwofoldSeeder({ appDir, databasePath, databaseUrl, authSecret, password });
  await seeder.open(); // creates and migrates the database the servers will use

  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", shows where a scenario's CPU goes.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = path.join(appDir, "server.mjs");
  const children = appPorts.map((appPort, i) =>
    startProcess(process.execPath, [...nodeArgs, server, "-p", String(appPort), "-H", "127.0.0.1"], {
      cwd: appDir,
      logFile: path.join(workDir, `${slug}-server${servers > 1 ? `-${i + 1}` : ""}.log`),
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, ...(poolSize ? { DATABASE_POOL_SIZE: String(poolSize) } : {}) } : { DATABASE_PATH: databasePath }),
        // Every server of a deployment shares the secret: a session made by one is valid on the other.
        AUTH_SECRET: authSecret,
        APP_ORIGIN: origin,
        OUTBOX_DIR: path.join(workDir, slug === "twofold" ? "outbox" : `${slug}-outbox`),
        // The bench plays the one trusted proxy: each request carries its client's own address.
        // nginx appends the bench's address after it: one more hop to skip.
        TRUSTED_PROXY_HOPS: balanced ? "2" : "1",
      },
    }),
  );
  for (const [i, child] of children.entries()) await waitForHttp(appPorts[i], "/login", child);
  let balancer;
  const otherCpu = {};
  if (balanced) {
    balancer = await startLoadBalancer({ port, upstreams: appPorts.map((p) => `http://127.0.0.1:${p}`) });
    // The master's pid; its worker is a child, so the CPU count of its tree covers both.
    otherCpu.nginx = Number(readFileSync(path.join(balancer.dir, "nginx.pid"), "utf8").trim());
    await waitForHttp(port, "/login", children[0]);
  }
  const child = children[0];

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
        const entries = await seeder.totpPending(n);
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
        const entries = await seeder.recoveryPending(n);
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
    name,
    port,
    pid: child.pid,
    // The app servers (memory and CPU are summed over them) and, by role, other processes whose
    // CPU a request costs (nginx here; run.mjs adds the PostgreSQL cluster).
    pids: children.map((c) => c.pid),
    otherCpu,
    scenarios,
    // For small one-off measurements (bench/throttled-timing.mjs).
    seed: seeder,
    headers: { base, post },
    log: () => children.map((c) => c.log()).join("\n"),
    async stop() {
      await balancer?.stop();
      for (const c of children) await stopProcess(c);
      await seeder.close();
    },
  };
}
