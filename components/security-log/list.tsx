import { Time } from "@/components/ui/time";
import { formatRelativeTime } from "@/lib/relative-time";
import { describeLogEntry, userChosenNameRows } from "@/lib/security/event-labels";

export interface LogEvent {
  id: number;
  type: string;
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
  actor: "user" | "operator";
  repeatCount: number;
}

/** Security events as sentences, newest first: what, from which device, how long ago; then the exact time and IP. */
export function SecurityLogList({ events, label, now = new Date() }: { events: LogEvent[]; label: string; now?: Date }) {
  if (events.length === 0) return <p className="text-sm text-slate-600">No security activity yet.</p>;
  return (
    <ol aria-label={label} className="divide-y divide-slate-200 text-sm">
      {events.map((event) => (
        <li key={event.id} className="py-2">
          <p className="break-words font-medium text-slate-900">
            {describeLogEntry(event.type, event.detail, event.userAgent, event.actor, event.repeatCount)}, {formatRelativeTime(event.createdAt, now)}
          </p>
          {userChosenNameRows(event.detail).map(([label, value]) => (
            <p key={label} className="break-words text-slate-600">{label}: {value}</p>
          ))}
          <p className="break-words text-slate-600">
            <Time value={event.createdAt} /> · {event.ip ? `IP ${event.ip}` : "IP unknown"}
          </p>
        </li>
      ))}
    </ol>
  );
}
