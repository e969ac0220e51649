// Extra app processes next to the e2e server (scripts/e2e-server.mjs): the same build, database
// file, outbox and secret, on a port of their own, with settings a spec chooses. For journeys that
// need two servers (as behind a load balancer) or a server configured otherwise.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { databaseEnv, e2eEnv } from "./env";

export interface ExtraServer {
  origin: string;
  child: ChildProcess;
  /** Everything the process printed so far (for failure messages). */
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `command args… -p PORT` and waits until it serves /login (it migrates nothing: the e2e server did). */
export async function startExtraServer(command: string, args: string[], env: Record<string, string> = {}): Promise<ExtraServer> {
  const e2e = e2eEnv();
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  let output = "";
  const child = spawn(command, [...args, "-p", String(port)], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...databaseEnv(),
      OUTBOX_DIR: e2e.outboxDir,
      // The e2e server's test-only secret: sessions and sealed values work across both.
      AUTH_SECRET: "e2e0".repeat(16),
      APP_ORIGIN: origin,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${origin}/login`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${args.join(" ")} did not come up within 60 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { origin, child, output: () => output };
}

/** Stops the server and waits for it to exit (a signal-initiated stop is a normal end). */
export async function stopExtraServer(server: ExtraServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}
