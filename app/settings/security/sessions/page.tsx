import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { SubmitButton } from "@/components/ui/submit-button";
import { requirePrivileged } from "@/lib/auth/guards";
import { listActiveSessions } from "@/lib/auth/session";
import { opaqueIdSchema } from "@/lib/security/action-input";
import { describeDevice } from "@/lib/security/device";
import { revokeOtherSessionsAction, revokeSessionAction } from "../actions";
import { SessionDetails } from "../session-details";

export const metadata = { title: "Sign out a session" };

const SETTINGS = "/settings/security";
const CANCEL = `${SETTINGS}#sessions-title`;

/** Which confirmation: one session (`?revoke=<session id>`) or every other one (`?sign_out=others`). */
const paramsSchema = z.union([
  z.object({ revoke: opaqueIdSchema.max(64), sign_out: z.undefined() }),
  z.object({ revoke: z.undefined(), sign_out: z.literal("others") }),
]);

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The step before **Revoke** and **Sign out other sessions** take effect: a page of its own, so it
 * works without JavaScript (the settings page's buttons are plain GET forms to here). It restates
 * which sessions end and asks again; rendering only reads, the POST is the action's.
 */
export default async function ConfirmSessionSignOutPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const parsed = paramsSchema.safeParse({ revoke: raw.revoke, sign_out: raw.sign_out });
  const self = !parsed.success
    ? SETTINGS
    : parsed.data.revoke !== undefined
      ? `${SETTINGS}/sessions?revoke=${encodeURIComponent(parsed.data.revoke)}`
      : `${SETTINGS}/sessions?sign_out=others`;
  const { session, secondFactorPolicy } = await requirePrivileged(self);
  if (!parsed.success) redirect(`${SETTINGS}?notice=session-missing`);
  const sessions = await listActiveSessions(session.userId);
  const now = new Date();

  if (parsed.data.revoke !== undefined) {
    const id = parsed.data.revoke;
    if (id === session.id) redirect(`${SETTINGS}?notice=session-current`);
    const target = sessions.find((s) => s.id === id);
    if (!target) redirect(`${SETTINGS}?notice=session-missing`);
    const device = describeDevice(target.userAgent);
    return (
      <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}>
        <BackLink />
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Sign out this session?</h1>
        <section aria-label="Session to sign out" className="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
          <SessionDetails session={target} current={false} now={now} />
          <p className="text-sm text-slate-700">
            {device} will be signed out on its next request: whoever uses it must sign in again. This device stays signed in.
          </p>
          <div className="flex flex-wrap items-center gap-3 pt-2">
            <form action={revokeSessionAction}>
              <input type="hidden" name="session_id" value={target.id} />
              <SubmitButton variant="danger">Revoke</SubmitButton>
            </form>
            <CancelLink />
          </div>
        </section>
      </AppShell>
    );
  }

  const others = sessions.filter((s) => s.id !== session.id);
  if (others.length === 0) redirect(`${SETTINGS}?notice=no-other-sessions`);
  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}>
      <BackLink />
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Sign out all other sessions?</h1>
      <section aria-labelledby="sessions-what" className="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
        <h2 id="sessions-what" className="text-lg font-semibold">
          {others.length === 1 ? "1 other session will be signed out" : `${others.length} other sessions will be signed out`}
        </h2>
        <ul aria-label="Sessions to sign out" className="divide-y divide-slate-200">
          {others.map((s) => (
            <li key={s.id} className="py-3"><SessionDetails session={s} current={false} now={now} /></li>
          ))}
        </ul>
        <p className="text-sm text-slate-700">Whoever uses them must sign in again. This device stays signed in.</p>
        <div className="flex flex-wrap items-center gap-3 pt-2">
          <form action={revokeOtherSessionsAction}>
            <SubmitButton variant="danger">Sign out other sessions</SubmitButton>
          </form>
          <CancelLink />
        </div>
      </section>
    </AppShell>
  );
}

function BackLink() {
  return <p className="text-sm"><Link href={CANCEL} className="text-brand-700 underline underline-offset-4">← Security settings</Link></p>;
}

function CancelLink() {
  return <Link href={CANCEL} className="text-sm text-brand-700 underline underline-offset-4">Cancel</Link>;
}
