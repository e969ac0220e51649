// `node bench/peer/server.mjs`: serves Better Auth's handler on PORT (localhost only).
// Env: PORT, PEER_DATABASE_PATH, PEER_SECRET. Started and stopped by bench/run.mjs.
import http from "node:http";
import { toNodeHandler } from "better-auth/node";
import { createPeerAuth } from "./auth.mjs";

const port = Number(process.env.PORT);
const { auth } = createPeerAuth({
  databasePath: process.env.PEER_DATABASE_PATH,
  baseURL: `http://localhost:${port}`,
  secret: process.env.PEER_SECRET,
});
const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  handler(req, res);
});
server.keepAliveTimeout = 5000; // what `next start` uses, so both keep connections alike
server.listen(port, "127.0.0.1", () => console.log(`peer listening on http://localhost:${port}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
