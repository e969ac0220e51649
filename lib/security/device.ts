import { UAParser } from "ua-parser-js";

/**
 * The user agent the operator CLI writes on its security events (scripts/admin.ts). Informational
 * only: any client can send it, so operator events are recognised by their `actor` column.
 */
export const OPERATOR_USER_AGENT = "admin-cli";

/** How the operator's tool is named where a device would be. */
export const OPERATOR_DEVICE = "the administrators' tool";

/** "Chrome on Linux" from a user-agent string, for people reading their sessions and log. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const { browser, os } = UAParser(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  return browser.name ?? os.name ?? "Unknown device";
}
