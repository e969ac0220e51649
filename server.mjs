#!/usr/bin/env node
// The production server (`npm start`, after `next build`): Next.js's custom-server API, with one
// addition. App Router code never sees the TCP socket, and Next only fills X-Forwarded-For with the
// socket address when the client sent none, so the client's address has to be handed over here:
// every request gets PEER_HEADER set to the socket's remote address, overwriting whatever the
// client sent under that name, and X-Forwarded-For reaches the app as the proxies wrote it (Next
// would add an entry). lib/security/client.ts reads the peer when TRUSTED_PROXY_HOPS=0, and only
// when PEER_HEADER_MARK is set on globalThis: under plain `next start` the header would be the
// client's own text. App code runs in this process, so it sees the mark.
//
// Options as `next start` took them: -p/--port (default $PORT, else 3000), -H/--hostname
// (default: every interface). SIGTERM/SIGINT stop accepting connections, let requests in flight
// and their after() work finish, then exit, as `next start` does.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PEER_HEADER = "x-twofold-peer";
const PEER_HEADER_MARK = Symbol.for("twofold.peer-header");

function usage(message) {
  console.error(`server.mjs: ${message}\nusage: node server.mjs [-p|--port PORT] [-H|--hostname HOST]`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { port: process.env.PORT || "3000", hostname: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
    if (flag === "-p" || flag === "--port") options.port = value();
    else if (flag === "-H" || flag === "--hostname") options.hostname = value();
    else usage(`unknown argument ${argv[i]}`);
  }
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`invalid port ${options.port}`);
  return { port, hostname: options.hostname };
}

const { port, hostname } = parseArgs(process.argv.slice(2));
const dir = path.dirname(fileURLToPath(import.meta.url));

// What `next start` sets before loading Next; React picks its production build by NODE_ENV when
// first loaded, hence the import below comes after.
process.env.NODE_ENV ||= "production";
process.env.NEXT_RUNTIME = "nodejs";
// Before Next is even loaded: no app module can run without the mark.
globalThis[PEER_HEADER_MARK] = true;

const { default: next } = await import("next");
const app = next({ dev: false, dir, hostname, port });
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  // remoteAddress is undefined only once the socket is gone; an empty value then reads as "no address".
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  // Next fills a missing X-Forwarded-For with the socket address: an entry no proxy appended, which
  // with TRUSTED_PROXY_HOPS=1 would pass for the client. An empty header keeps "no entry" visible.
  req.headers["x-forwarded-for"] ??= "";
  handle(req, res).catch((error) => {
    console.error(`Failed to handle request for ${req.url}`, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

// Keep idle keep-alive connections longer than the proxies and clients in front of us keep theirs
// (nginx 60 s, most load balancers 60 s): a server that closes an idle connection first races a
// client that is just reusing it, and that request dies with ECONNRESET.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.on("error", (error) => {
  console.error(`server.mjs: could not listen: ${error.message}`);
  process.exit(1);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.close(() => {
    app.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

await app.prepare();
server.listen(port, hostname, () => {
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shown = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname.includes(":") ? `[${hostname}]` : hostname;
  // As `next start` does: Next reads these for requests it makes to itself (server-action redirects).
  process.env.PORT = String(actualPort);
  process.env.__NEXT_PRIVATE_ORIGIN = `http://${shown}:${actualPort}`;
  console.log(`▲ Twofold ready on http://${shown}:${actualPort}`);
});
