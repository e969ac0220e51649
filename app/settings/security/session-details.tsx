import { Time } from "@/components/ui/time";
import type { SessionRow } from "@/db/queries/sessions";
import { formatRelativeTime } from "@/lib/relative-time";
import { describeDevice } from "@/lib/security/device";

/**
 * One session as people recognise it: the device (parsed from its user agent), the address it
 * signed in from, and when it was last active; the same on the settings page and on the
 * confirmation before it is signed out.
 */
export function SessionDetails({ session, current, now = new Date() }: { session: SessionRow; current: boolean; now?: Date }) {
  return (
    <div className="min-w-0 text-sm">
      <p className="break-words font-medium text-slate-900">
        {describeDevice(session.userAgent)}
        {current ? <span className="ml-2 rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">This device</span> : null}
      </p>
      {/* The address is the one it signed in from: a session row keeps it from its start. */}
      <p className="break-words text-slate-600">
        Signed in {session.ip ? <>from {session.ip}</> : "from an unknown address"}, <Time value={session.createdAt} />
      </p>
      <p className="text-slate-600">
        {current ? "Active now" : <>Last active {formatRelativeTime(session.lastSeenAt, now)} (<Time value={session.lastSeenAt} />)</>}
      </p>
    </div>
  );
}

/** The accessible name of a session's Revoke, e.g. "Revoke Chrome on Linux session" (docs/contract.md). */
export function revokeLabel(session: Pick<SessionRow, "userAgent">): string {
  return `Revoke ${describeDevice(session.userAgent)} session`;
}
