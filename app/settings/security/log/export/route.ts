import { requirePrivileged } from "@/lib/auth/guards";
import { getBranding } from "@/lib/branding";
import { fileNamePart } from "@/lib/file-name";
import { recentSecurityEvents } from "@/lib/security/audit";
import { OPERATOR_DEVICE, describeDevice } from "@/lib/security/device";
import { describeSecurityEvent } from "@/lib/security/event-labels";

/**
 * The account's own security log as a JSON download. Same gate as the pages (a privileged
 * session: it holds IP addresses and devices); a stale session is sent to re-authenticate and
 * comes back here. No input to parse: the signed-in user is the only parameter.
 */
const EXPORT_MAX_EVENTS = 10_000;

export async function GET(): Promise<Response> {
  const { session } = await requirePrivileged("/settings/security/log");
  const events = await recentSecurityEvents(session.userId, EXPORT_MAX_EVENTS);
  const exportedAt = new Date();
  const body = {
    account: { id: session.userId, email: session.email },
    exported_at: exportedAt.toISOString(),
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      description: describeSecurityEvent(event.type, event.detail),
      created_at: event.createdAt.toISOString(),
      // Repeats of a refused attempt share one entry: how many, and the latest.
      count: event.repeatCount,
      last_occurred_at: (event.lastOccurredAt ?? event.createdAt).toISOString(),
      actor: event.actor,
      ip: event.ip,
      user_agent: event.userAgent,
      device: event.actor === "operator" ? OPERATOR_DEVICE : describeDevice(event.userAgent),
      detail: event.detail,
    })),
  };
  return new Response(`${JSON.stringify(body, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileNamePart(getBranding().name)}-security-log-${exportedAt.toISOString().slice(0, 10)}.json"`,
      // Personal data: never kept by a browser or proxy cache.
      "Cache-Control": "no-store",
    },
  });
}
