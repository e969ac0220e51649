import { UAParser } from "ua-parser-js";

/**
 * The user agent the operator CLI writes on its security events (scripts/admin.ts). Informational
 * only: any client can send it, so operator events are recognised by their `actor` column.
 */
export const OPERATOR_USER_AGENT = "admin-cli";

/** How the operator's tool is named where a device would be. */
export const OPERATOR_DEVICE = "the administrators' tool";

/**
 * Parsed user agents, least recently used first out. A parse runs a few hundred regular
 * expressions (tens of microseconds to a millisecond); the sessions list, the log and every
 * notification mail ask again for the few agents an account uses. Bounded, since any client can
 * send any string: at most this many entries of at most 512 characters each (lib/security/client.ts).
 */
const DEVICE_CACHE_SIZE = 1_000;
const described = new Map<string, string>();

/** "Chrome on Linux" from a user-agent string, for people reading their sessions and log. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  let device = described.get(userAgent);
  if (device === undefined) {
    device = parseDevice(userAgent);
    if (described.size >= DEVICE_CACHE_SIZE) described.delete(described.keys().next().value!);
  } else {
    described.delete(userAgent); // re-inserted below: the Map's order is the recency order
  }
  described.set(userAgent, device);
  return device;
}

function parseDevice(userAgent: string): string {
  const { browser, os } = UAParser(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  return browser.name ?? os.name ?? "Unknown device";
}
