import "server-only";
import { listActiveSessions } from "@/lib/auth/session";

/**
 * How many other sessions the inline offer after a new first factor names (other-sessions-offer.tsx).
 * None past the REQUIRE_SECOND_FACTOR deadline: the Sessions section it points to isn't shown then.
 */
export async function otherSessionsToOffer(session: { id: string; userId: string }, policy: { enforced: boolean } | null): Promise<number> {
  if (policy?.enforced) return 0;
  return (await listActiveSessions(session.userId)).filter((s) => s.id !== session.id).length;
}
