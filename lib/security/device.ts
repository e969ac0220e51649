import { UAParser } from "ua-parser-js";

/** The user agent the operator CLI writes on its security events (scripts/admin.ts). */
export const OPERATOR_USER_AGENT = "admin-cli";

/** "Chrome on Linux" from a user-agent string, for people reading their sessions and log. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  if (userAgent === OPERATOR_USER_AGENT) return "the administrators' tool";
  const { browser, os } = UAParser(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  return browser.name ?? os.name ?? "Unknown device";
}
