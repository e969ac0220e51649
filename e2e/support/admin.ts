// Runs the operator CLI (`npm run admin -- …`) against the e2e server's database and outbox, with
// the server's configuration, exactly as an operator would on the app's machine.
import { spawnSync } from "node:child_process";
import { databaseEnv, e2eEnv } from "./env";

export interface AdminResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runAdmin(...args: string[]): AdminResult {
  return runAdminWith({}, ...args);
}

/** As runAdmin, with extra settings (e.g. the policy a spec's own server runs with). */
export function runAdminWith(extraEnv: Record<string, string>, ...args: string[]): AdminResult {
  const env = e2eEnv();
  const result = spawnSync("npm", ["run", "-s", "admin", "--", ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: {
      ...process.env,
      NODE_ENV: "production",
      ...databaseEnv(),
      OUTBOX_DIR: env.outboxDir,
      APP_ORIGIN: `http://localhost:${env.port}`,
      // The e2e server's test-only secret (scripts/e2e-server.mjs).
      AUTH_SECRET: "e2e0".repeat(16),
      ...extraEnv,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
