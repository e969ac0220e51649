import Link from "next/link";
import { z } from "zod";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { cancelAccountRecoveryAction } from "@/app/actions/account-recovery";
import { Section } from "@/components/ui/section";
import { requirePrivileged } from "@/lib/auth/guards";
import { recentSecurityEvents } from "@/lib/security/audit";
import { SecurityLogList } from "@/components/security-log/list";

export const metadata = { title: "Security log" };

const PAGE_SIZE = 50;
const LOG = "/settings/security/log";

/** `before`: the id of the oldest event already shown (ids grow with time). */
const paramsSchema = z.object({ before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() });

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SecurityLogPage({ searchParams }: { searchParams: SearchParams }) {
  // Gated exactly like the settings page: the log shows devices and IP addresses.
  const { session, secondFactorPolicy, accountRecovery } = await requirePrivileged(LOG);
  const raw = await searchParams;
  const params = paramsSchema.safeParse({ before: typeof raw.before === "string" ? raw.before : undefined });
  const before = params.success ? params.data.before : undefined;
  const rows = await recentSecurityEvents(session.userId, PAGE_SIZE + 1, before);
  const events = rows.slice(0, PAGE_SIZE);
  const older = rows.length > PAGE_SIZE ? events.at(-1)?.id : undefined;

  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}
      accountRecovery={accountRecovery} cancelAccountRecovery={cancelAccountRecoveryAction}>
      <p className="text-sm"><Link href="/settings/security" className="text-brand-700 underline underline-offset-4">← Security settings</Link></p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Security log</h1>
      <p className="mt-1 text-sm text-slate-600">
        Sign-ins and changes to your account&apos;s security, newest first. If something here wasn&apos;t you, sign out other
        sessions and check your second steps on the <Link href="/settings/security" className="underline underline-offset-4">security settings</Link> page.
      </p>
      <div className="mt-6">
        <Section id="log" title={before ? "Older activity" : "Recent activity"}
          description={<a href="/settings/security/log/export" download className="text-brand-700 underline underline-offset-4">Download your security log (JSON)</a>}>
          <SecurityLogList events={events} label="Security events" />
          <nav aria-label="Security log pages" className="mt-4 flex flex-wrap gap-4 text-sm">
            {before ? <Link href={LOG} className="text-brand-700 underline underline-offset-4">Newest events</Link> : null}
            {older ? <Link href={`${LOG}?before=${older}`} className="text-brand-700 underline underline-offset-4">Older events</Link> : null}
          </nav>
        </Section>
      </div>
    </AppShell>
  );
}
