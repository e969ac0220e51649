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
 * The client's address from X-Forwarded-For. `next start` sets the header to the socket address
 * when the request has none; behind N trusted proxies that append to it, the client is the N-th
 * entry from the right (TRUSTED_PROXY_HOPS). Without a proxy that overwrites the header, a client
 * can choose its own value: per-IP limits are then advisory, per-account limits still hold.
 */
export function clientIpFrom(forwardedFor: string | null, trustedHops: number): string | null {
  if (!forwardedFor) return null;
  const hops = forwardedFor.split(",").map((part) => part.trim()).filter(Boolean);
  const candidate = hops[Math.max(0, hops.length - 1 - trustedHops)];
  if (!candidate) return null;
  const unwrapped = candidate.replace(/^::ffff:/, "");
  return isIP(unwrapped) ? unwrapped : null;
}

export async function getClientContext(): Promise<ClientContext> {
  const h = await headers();
  return {
    ip: clientIpFrom(h.get("x-forwarded-for"), getConfig().TRUSTED_PROXY_HOPS),
    userAgent: h.get("user-agent")?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
  };
}

/** The per-address rate-limit key for a client address ("unknown" when there is none). */
export function ipBucketKey(ip: string | null): string {
  return ip ?? "unknown";
}
