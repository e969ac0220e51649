import "server-only";
import { headers } from "next/headers";
import { isIP } from "node:net";
import { getConfig } from "@/lib/config";

export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * server.mjs (the production server behind `npm start`) overwrites this header on every request
 * with the TCP peer's address, and sets PEER_HEADER_MARK on globalThis before Next loads any app
 * code. App Router code can't see the socket, so this is the only way the peer reaches us. The
 * names are repeated in server.mjs (plain JavaScript, started before any TypeScript is loaded).
 */
export const PEER_HEADER = "x-twofold-peer";
export const PEER_HEADER_MARK = Symbol.for("twofold.peer-header");

/**
 * Who the client is, with TRUSTED_PROXY_HOPS = the number of reverse proxies in front of the app
 * that each append the address they saw to X-Forwarded-For (docs/deployment.md):
 * - 0: the TCP peer; X-Forwarded-For is ignored, since anyone can send one.
 * - N ≥ 1: the N-th entry from the right, the one the outermost trusted proxy appended. Entries
 *   further left were written by the client and prove nothing. A header with fewer than N entries,
 *   or a non-address at that position, means a proxy didn't do its job: no address rather than
 *   falling back to an entry the client chose.
 * The result is canonical text (see canonicalAddress) or null.
 */
export function clientIpFrom({ peer, forwardedFor, hops }: { peer: string | null; forwardedFor: string | null; hops: number }): string | null {
  if (hops === 0) return peer === null ? null : canonicalAddress(peer);
  if (forwardedFor === null) return null;
  // Positional on purpose: empty entries count, so a client can't shift which entry is read.
  const entries = forwardedFor.split(",");
  if (entries.length < hops) return null;
  return canonicalAddress(entries[entries.length - hops]);
}

type Parsed = { version: 4; octets: number[] } | { version: 6; groups: number[] };

/**
 * One text per address, so the log, mails and rate-limit keys agree however a proxy wrote it:
 * IPv4 dotted quad; IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports for an
 * IPv4 client) as that IPv4; other IPv6 lower-case and compressed as RFC 5952 §4 says. Surrounding
 * whitespace, `[…]` brackets and a port (`1.2.3.4:80`, `[2001:db8::1]:443`, as some proxies write)
 * are dropped, and so is an IPv6 zone (`%eth0`): it names an interface on this host, not part of
 * who the client is. Anything else (host names, `unknown`, obfuscated ids, leading zeros) is null.
 */
export function canonicalAddress(raw: string): string | null {
  const parsed = parseAddress(raw);
  if (!parsed) return null;
  return parsed.version === 4 ? parsed.octets.join(".") : formatIpv6(parsed.groups);
}

/**
 * The per-address rate-limit key: an IPv4 client by its address, an IPv6 client by its /64 (e.g.
 * `2001:db8:1:2::/64`). A /64 is the smallest block an ISP hands a home line or a cloud host a VM,
 * and its owner can pick any of its 2^64 addresses; keyed per address, each would be a fresh bucket.
 * "unknown" when there is no address: those clients share one bucket.
 */
export function ipBucketKey(ip: string | null): string {
  const parsed = ip === null ? null : parseAddress(ip);
  if (!parsed) return "unknown";
  if (parsed.version === 4) return parsed.octets.join(".");
  return `${formatIpv6([...parsed.groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

function parseAddress(raw: string): Parsed | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(text);
  const withPort = bracketed ? null : /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  const port = bracketed?.[2] ?? withPort?.[2];
  if (port !== undefined && Number(port) > 65_535) return null;
  if (bracketed) text = bracketed[1];
  else if (withPort) text = withPort[1];
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  // node:net's isIP is strict: dotted quads only, no leading zeros, no octal or hex forms.
  const version = isIP(text);
  if (version === 4 && !bracketed && zone === -1) return { version: 4, octets: text.split(".").map(Number) };
  if (version !== 6) return null;
  const groups = ipv6Groups(text);
  if (!groups) return null;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return { version: 4, octets: [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff] };
  return { version: 6, groups };
}

/** The eight 16-bit groups of an address isIP already accepted as IPv6. */
function ipv6Groups(text: string): number[] | null {
  let body = text.toLowerCase();
  const lastColon = body.lastIndexOf(":");
  const tail = body.slice(lastColon + 1);
  if (tail.includes(".")) {
    const octets = tail.split(".").map(Number);
    body = `${body.slice(0, lastColon + 1)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const toGroups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** RFC 5952 §4: no leading zeros, lower case, the longest run of two or more zero groups (the first on a tie) as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

let warnedNoPeer = false;

/** The TCP peer, when server.mjs put it there; without it the header is the client's own text. */
function peerFrom(h: { get(name: string): string | null }): string | null {
  if ((globalThis as Record<symbol, unknown>)[PEER_HEADER_MARK] === true) return h.get(PEER_HEADER);
  if (!warnedNoPeer) {
    warnedNoPeer = true;
    console.warn(
      "[client] TRUSTED_PROXY_HOPS=0 but the app was not started by server.mjs (npm start), so the client's socket address is unknown: " +
        "security events carry no IP and per-address limits share one bucket. Start it with `npm start`, or set TRUSTED_PROXY_HOPS behind a proxy (docs/deployment.md).",
    );
  }
  return null;
}

export async function getClientContext(): Promise<ClientContext> {
  const h = await headers();
  const hops = getConfig().TRUSTED_PROXY_HOPS;
  return {
    ip: clientIpFrom({ peer: hops === 0 ? peerFrom(h) : null, forwardedFor: h.get("x-forwarded-for"), hops }),
    userAgent: h.get("user-agent")?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
  };
}
