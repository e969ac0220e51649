// nginx as a round-robin load balancer in front of several app servers, for tests and benchmarks:
// its own prefix, config, pid and logs in a temp dir, in the foreground as a child of the caller,
// never the system service. As in production it appends the client's address to X-Forwarded-For
// (so behind it the app runs with one more TRUSTED_PROXY_HOPS) and keeps the Host header.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

function nginxBinary() {
  for (const candidate of [process.env.NGINX_PATH, "/usr/sbin/nginx", "/usr/bin/nginx"]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error("nginx was not found: apt-get install nginx (or set NGINX_PATH)");
}

const hasIpv6Loopback = () => {
  try {
    return readFileSync("/proc/net/if_inet6", "utf8").split("\n").some((line) => line.startsWith("00000000000000000000000000000001"));
  } catch {
    return false;
  }
};

function config({ dir, port, upstreams }) {
  // Browsers resolve `localhost` to ::1 first where it exists: listen on both loopbacks.
  const listen = [`listen 127.0.0.1:${port};`, ...(hasIpv6Loopback() ? [`listen [::1]:${port};`] : [])].join(" ");
  return `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app {
${upstreams.map((origin) => `    server ${new URL(origin).host} max_fails=0;`).join("\n")}
    keepalive 64;
  }
  server {
    ${listen}
    client_max_body_size 1m;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
      # Starting a provider sign-in answers with Auth.js's state, PKCE, nonce and callback cookies,
      # sealed: headers past nginx's default 4-8k buffer would be a 502 ("upstream sent too big header").
      proxy_buffer_size 32k;
      proxy_buffers 8 32k;
      proxy_busy_buffers_size 64k;
      proxy_read_timeout 60s;
    }
  }
}
`;
}

async function listening(port, deadline) {
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts nginx on `port`, balancing over `upstreams` (origins such as http://127.0.0.1:4001). */
export async function startLoadBalancer({ port, upstreams }) {
  const binary = nginxBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), "twofold-nginx-"));
  // Run as root, nginx's workers drop to `nobody`: they must be able to read into its temp dirs.
  chmodSync(dir, 0o755);
  for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, sub), { mode: 0o777 });
  const file = path.join(dir, "nginx.conf");
  writeFileSync(file, config({ dir, port, upstreams }));
  const check = spawnSync(binary, ["-t", "-q", "-p", dir, "-c", file, "-g", "daemon off;"], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx refused its configuration: ${check.stderr}`);
  const child = spawn(binary, ["-p", dir, "-c", file, "-g", "daemon off;"], { stdio: ["ignore", "inherit", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await Promise.race([listening(port, Date.now() + 15_000), exited.then(() => Promise.reject(new Error(`nginx exited: ${safeRead(path.join(dir, "error.log"))}`)))]);
  return {
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGQUIT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
