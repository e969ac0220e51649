#!/usr/bin/env node
// `npm run bench:throttled`: is a throttled sign-in attempt on a real account told apart from one on
// an unknown email by its response time? Starts the production build (run `npm run build` first) on
// a fresh database, throttles one known and one unknown email, then times ATTEMPTS throttled
// attempts for each, interleaved so both see the same machine, and prints the medians side by side.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTwofold } from "./lib/twofold.mjs";
import { BOUNDARY, hiddenFields, multipart, request } from "./lib/util.mjs";

const ATTEMPTS = Number(process.env.ATTEMPTS ?? 200);
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const workDir = mkdtempSync(path.join(tmpdir(), "twofold-throttled-"));
const password = "correct horse battery staple";

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))];

const app = await startTwofold({ appDir, workDir, password });
try {
  const [known] = await app.seed.passwordUsers(1);
  const unknown = { email: `nobody-${Date.now()}@example.test` };
  const login = await request(app.port, { path: "/login", headers: app.headers.base });
  const fields = hiddenFields(login.body, 'name="password"');
  if (!fields) throw new Error("no sign-in form on /login");

  let address = 0;
  async function attempt(email) {
    // A fresh client address each time, so only the per-account counter throttles.
    const ip = `198.19.${(++address >> 8) & 0xff}.${address & 0xff}`;
    const started = process.hrtime.bigint();
    const res = await request(app.port, {
      method: "POST",
      path: "/login",
      headers: { ...app.headers.post, "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`, "X-Forwarded-For": ip },
      body: multipart([...fields, ["email", email], ["password", "wrong password, again"]]),
    });
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, body: res.body };
  }

  // Spend both accounts' free attempts: from here on every attempt is refused as throttled.
  for (let i = 0; i < 6; i++) {
    await attempt(known.email);
    await attempt(unknown.email);
  }
  const times = { known: [], unknown: [] };
  let unthrottled = 0;
  for (let i = 0; times.known.length < ATTEMPTS || times.unknown.length < ATTEMPTS; i++) {
    for (const [which, email] of i % 2 ? [["known", known.email], ["unknown", unknown.email]] : [["unknown", unknown.email], ["known", known.email]]) {
      const { ms, body } = await attempt(email);
      // When a lock runs out, one attempt is let through (and locks again, longer): not a sample.
      if (!/Too many sign-in attempts/.test(body)) {
        unthrottled++;
        continue;
      }
      if (times[which].length < ATTEMPTS) times[which].push(ms);
    }
  }
  const row = (label, values) => `| ${label} | ${median(values).toFixed(2)} | ${quantile(values, 0.9).toFixed(2)} |`;
  console.log(`Throttled sign-in attempts, ${ATTEMPTS} each, interleaved (ms):\n`);
  console.log("| email | median | p90 |\n| --- | --- | --- |");
  console.log(row("known (has an account)", times.known));
  console.log(row("unknown", times.unknown));
  const gap = median(times.known) - median(times.unknown);
  console.log(`\nmedian difference known − unknown: ${gap.toFixed(2)} ms (${unthrottled} attempts let through by an expired lock were not counted)`);
} finally {
  await app.stop();
  rmSync(workDir, { recursive: true, force: true });
}
