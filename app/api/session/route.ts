import { NextResponse } from "next/server";
import { privilegedUntil } from "@/lib/auth/aal";
import { accessFor } from "@/lib/auth/flow";
import { readSessionFromCookie } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { whileDatabaseDown } from "@/lib/service-unavailable";

/**
 * The "whoami" of docs/contract.md. An aal1 session of an aal2 account still gets 200 here, so a client
 * can see it must step up; everything else treats such a session as not yet signed in.
 */
export const dynamic = "force-dynamic";

export async function GET() {
  // Not behind the proxy (proxy.ts's matcher): it answers for the database itself.
  const unavailable = whileDatabaseDown(true);
  if (unavailable) return unavailable;
  const session = await readSessionFromCookie();
  const access = await accessFor(session);
  if (access.kind === "anonymous") {
    return NextResponse.json({ error: "Not signed in." }, { status: 401, headers: { "Cache-Control": "no-store" } });
  }
  const s = access.session;
  return NextResponse.json(
    {
      user: { id: s.userId, email: s.email, email_verified: s.emailVerified },
      session: {
        id: s.id,
        aal: s.aal,
        // Null while a fresh sign-in waits for its second factor: nothing is authenticated yet.
        authenticated_at: s.authenticatedAt?.toISOString() ?? null,
        expires_at: s.expiresAt.toISOString(),
        privileged_until: privilegedUntil(s.authenticatedAt, getConfig().PRIVILEGED_SESSION_MAX_AGE)?.toISOString() ?? null,
        amr: s.amr.map(({ method, completed_at }) => ({ method, completed_at })),
      },
      available_aal: access.availableAal,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
