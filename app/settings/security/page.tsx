import Link from "next/link";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/app/actions/sign-out";
import { cancelAccountRecoveryAction } from "@/app/actions/account-recovery";
import { FormAlert } from "@/components/ui/alert";
import { Section } from "@/components/ui/section";
import { Time } from "@/components/ui/time";
import { listWebAuthnCredentials } from "@/db/queries/webauthn";
import { requirePrivileged } from "@/lib/auth/guards";
import { listActiveSessions } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { listTotpApps } from "@/lib/mfa/totp";
import { recentSecurityEvents } from "@/lib/security/audit";
import { SECOND_FACTOR_CHANGES, settingsNotice } from "./notices";
import { EmailSection } from "./email-section";
import { RecoveryCodesPanel } from "./recovery-codes-panel";
import { SecurityLogList } from "@/components/security-log/list";
import { AuthenticatorAppsSection } from "./authenticator-apps-section";
import { OtherSessionsOffer } from "./other-sessions-offer";
import { RemoveFactorButton } from "./remove-factor-button";
import { RevokeSessionButton, SignOutOtherSessionsButton } from "./session-buttons";
import { SessionDetails, revokeLabel } from "./session-details";
import { AddSecurityKeyForm, RenameSecurityKeyForm } from "./security-keys-section";
import { PasswordSection } from "./password-section";
import { DeleteAccountSection } from "./delete-account-section";
import { LinkedIdentitiesSection } from "./identities-section";
import { oidcProviderName } from "@/lib/auth/oidc";
import { findUserById } from "@/db/queries/users";
import { hasPassword } from "@/lib/auth/password";

export const metadata = { title: "Security settings" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SecuritySettingsPage({ searchParams }: { searchParams: SearchParams }) {
  const { session, availableAal, secondFactorPolicy, accountRecovery } = await requirePrivileged("/settings/security");
  const params = await searchParams;
  const notice = settingsNotice(params.notice);
  const [totpApps, keys, sessions, events] = await Promise.all([
    listTotpApps(session.userId),
    listWebAuthnCredentials(session.userId),
    listActiveSessions(session.userId),
    recentSecurityEvents(session.userId, 5),
  ]);

  return (
    <AppShell email={session.email} signOut={signOutAction} secondFactorPolicy={secondFactorPolicy}
      accountRecovery={accountRecovery} cancelAccountRecovery={cancelAccountRecoveryAction}>
      <h1 className="text-2xl font-semibold tracking-tight">Security settings</h1>
      <p className="mt-1 text-sm text-slate-600">Manage how you sign in and where you are signed in.</p>
      <div className="mt-4"><FormAlert message={notice?.text} tone={notice?.tone ?? "info"} /></div>
      {/* Past the REQUIRE_SECOND_FACTOR deadline the Sessions section it points to isn't shown. */}
      {typeof params.notice === "string" && SECOND_FACTOR_CHANGES.has(params.notice) && !secondFactorPolicy?.enforced
        ? <OtherSessionsOffer others={sessions.length - 1} />
        : null}

      <div className="mt-2 space-y-6">
        {secondFactorPolicy?.enforced ? null : <EmailSection userId={session.userId} />}

        <AuthenticatorAppsSection apps={totpApps} appName={getConfig().APP_NAME} email={session.email} />

        <Section id="keys" title="Security keys"
          description="Hardware keys, or this device's fingerprint or face unlock. Keys that support it also work as passkeys: sign in without a password.">
          {keys.length > 0 ? (
            <ul className="mb-5 divide-y divide-slate-200">
              {keys.map((key) => (
                <li key={key.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
                  <div className="min-w-0 text-sm">
                    <p className="break-words font-medium text-slate-900">
                      {key.name}
                      {key.isPasskey ? <span className="ml-2 rounded bg-brand-100 px-2 py-0.5 text-xs font-medium text-brand-800">Passkey</span> : null}
                    </p>
                    <p className="text-slate-600">
                      Added <Time value={key.createdAt} /> · {key.lastUsedAt ? <>last used <Time value={key.lastUsedAt} /></> : "never used"}
                    </p>
                    <div className="mt-1"><RenameSecurityKeyForm id={key.id} name={key.name} /></div>
                  </div>
                  <RemoveFactorButton factor="webauthn" id={key.id} name={key.name} />
                </li>
              ))}
            </ul>
          ) : null}
          <AddSecurityKeyForm appName={getConfig().APP_NAME} email={session.email} />
        </Section>

        <RecoveryCodesPanel userId={session.userId} email={session.email} availableAal={availableAal} />

        {/* Past the REQUIRE_SECOND_FACTOR deadline: only the factor sections until it is met. */}
        {secondFactorPolicy?.enforced ? null : (<>
        <Section id="sessions" title="Sessions" description="Browsers and devices signed in to your account.">
          <ul className="divide-y divide-slate-200">
            {/* This device first: the one the user knows, then the others to recognise. */}
            {[...sessions].sort((a, b) => Number(b.id === session.id) - Number(a.id === session.id)).map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <SessionDetails session={s} current={s.id === session.id} />
                {s.id !== session.id ? <RevokeSessionButton id={s.id} label={revokeLabel(s)} /> : null}
              </li>
            ))}
          </ul>
          {sessions.length > 1 ? <div className="mt-4"><SignOutOtherSessionsButton /></div> : null}
        </Section>

        {oidcProviderName() ? <LinkedIdentitiesSection userId={session.userId} provider={oidcProviderName()!} /> : null}

        <PasswordSection email={session.email} hasPassword={await accountHasPassword(session.userId)} />

        <Section id="activity" title="Recent security activity" description="Sign-ins and changes to your account's security, newest first.">
          <SecurityLogList events={events} label="Recent security events" />
          <p className="mt-4 flex flex-wrap gap-4 text-sm">
            <Link href="/settings/security/log" className="text-brand-700 underline underline-offset-4">View the full security log</Link>
            <a href="/settings/security/log/export" download className="text-brand-700 underline underline-offset-4">Download your security log (JSON)</a>
          </p>
        </Section>

        <DeleteAccountSection email={session.email} />
        </>)}
      </div>
    </AppShell>
  );
}

/** An account made through the provider has none until its owner sets one. */
async function accountHasPassword(userId: string): Promise<boolean> {
  const user = await findUserById(userId);
  return user ? hasPassword(user) : true;
}
