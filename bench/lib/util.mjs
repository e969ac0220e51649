// Small helpers for bench/run.mjs: processes, ports, HTTP, server memory and CPU from /proc.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import http from "node:http";
import net from "node:net";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
  return r;
}

export function capture(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One request on 127.0.0.1 (never any other address); resolves { status, headers, body }. */
export function request(port, { method = "GET", path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    // A Content-Length, as browsers send with every form: the app refuses chunked bodies (411).
    const sized = body ? { ...headers, "Content-Length": Buffer.byteLength(body) } : headers;
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: sized, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    if (body) req.write(body);
    req.end();
  });
}

export async function waitForHttp(port, path, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early (code ${child.exitCode})`);
    try {
      const r = await request(port, { path });
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`server on port ${port} did not answer ${path} within ${timeoutMs / 1000}s`);
}

export function startProcess(cmd, args, { cwd, env, logFile }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const keep = (d) => {
    log.push(d.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", () => {
    if (logFile) writeFileSync(logFile, log.join(""));
  });
  child.log = () => log.join("");
  return child;
}

export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** The server process and every descendant (Next may fork workers). */
export function processTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const tid of readdirSync(`/proc/${pids[i]}/task`)) {
        const children = readFileSync(`/proc/${pids[i]}/task/${tid}/children`, "utf8").trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // process gone
    }
  }
  return [...new Set(pids)];
}

function statusField(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const CLK_TCK = Number(capture("getconf", ["CLK_TCK"]).trim()) || 100;

/** Every process of the trees of `pids` (one pid or several). */
const processTrees = (pids) => [...new Set([].concat(pids).flatMap(processTree))];

/**
 * CPU seconds (user + system, all threads) the process tree(s) of `pid` (one or several) used so
 * far, with what their exited children used (cutime + cstime): PostgreSQL ends a backend when the
 * app's pool drops an idle connection, and its CPU must not vanish from the count.
 */
export function cpuSeconds(pid) {
  let ticks = 0;
  for (const p of processTrees(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone
    }
  }
  return ticks / CLK_TCK;
}

/**
 * Peak resident memory of the server tree(s) (one pid or several, summed) during one measurement: the kernel's high-water mark
 * (VmHWM) is reset before (clear_refs 5) and read after; a 50 ms RSS poll backs it up where the
 * reset isn't allowed.
 */
export class MemoryProbe {
  constructor(pid) {
    this.pid = pid;
  }
  start() {
    this.canReset = true;
    for (const p of processTrees(this.pid)) {
      try {
        writeFileSync(`/proc/${p}/clear_refs`, "5");
      } catch {
        this.canReset = false;
      }
    }
    this.polled = 0;
    const poll = () => {
      const rss = processTrees(this.pid).reduce((sum, p) => sum + statusField(p, "VmRSS"), 0);
      this.polled = Math.max(this.polled, rss);
    };
    poll();
    this.timer = setInterval(poll, 50);
  }
  stop() {
    clearInterval(this.timer);
    const hwm = processTrees(this.pid).reduce((sum, p) => sum + statusField(p, "VmHWM"), 0);
    return this.canReset ? Math.max(hwm, this.polled) : this.polled;
  }
  rss() {
    return processTrees(this.pid).reduce((sum, p) => sum + statusField(p, "VmRSS"), 0);
  }
}

/** RFC 4226/6238 code, written here so the bench checks both systems with neither's library. */
export function totp(keyBytes, timeMs = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30_000)));
  const mac = createHmac("sha1", keyBytes).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

export function base32Decode(input) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of input.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A distinct client address per request from 198.18.0.0/15 (RFC 2544, benchmarking). */
export function addressSequence() {
  let n = 1;
  return () => {
    const i = n++ % 131_072;
    return `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
  };
}

const ENTITIES = { "&quot;": '"', "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#x27;": "'", "&#39;": "'" };
const unescape = (s) => s.replace(/&(quot|amp|lt|gt|#x27|#39);/g, (m) => ENTITIES[m]);

/**
 * The hidden fields Next renders inside a <form> for a no-JS server-action post ($ACTION_…,
 * return_to), from the first form whose HTML contains `marker` (e.g. name="password").
 */
export function hiddenFields(html, marker) {
  for (const [, form] of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
    if (!form.includes(marker)) continue;
    const fields = [];
    for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
      if (!/\btype="hidden"/.test(input)) continue;
      const name = input.match(/\bname="([^"]*)"/);
      const value = input.match(/\bvalue="([^"]*)"/);
      if (name) fields.push([unescape(name[1]), value ? unescape(value[1]) : ""]);
    }
    if (fields.some(([n]) => n.startsWith("$ACTION"))) return fields;
  }
  return null;
}

export const BOUNDARY = "----twofoldbench7MA4YWxkTrZu0gW";
export function multipart(fields) {
  let body = "";
  for (const [name, value] of fields) {
    body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  return `${body}--${BOUNDARY}--\r\n`;
}

export const lowerKeys = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
export const setCookies = (headers) => [].concat(headers["set-cookie"] ?? []);
