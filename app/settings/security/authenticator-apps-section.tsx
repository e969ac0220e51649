import "server-only";
import { Section } from "@/components/ui/section";
import { Time } from "@/components/ui/time";
import { toPrintableLine } from "@/lib/mfa/factor-name";
import { MAX_TOTP_APPS, defaultTotpAppName, type TotpApp } from "@/lib/mfa/totp";
import { RemoveFactorButton } from "./remove-factor-button";
import { TotpEnrolForm } from "./totp-section";

/** The settings page's "Authenticator apps" section: every app with its dates and Remove, then Set up. */
export function AuthenticatorAppsSection({ apps, appName, email }: { apps: TotpApp[]; appName: string; email: string }) {
  return (
    <Section id="totp" title="Authenticator apps"
      description="Codes from an app on your phone, asked for after your password. Add the app on a new phone before removing the old one.">
      {apps.length > 0 ? (
        <ul aria-label="Your authenticator apps" className="mb-5 divide-y divide-slate-200">
          {apps.map((app) => (
            <li key={app.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
              <div className="min-w-0 text-sm">
                <p className="break-words font-medium text-slate-900">{toPrintableLine(app.name)}</p>
                <p className="text-slate-600">
                  Added <Time value={app.createdAt} /> · {app.lastUsedAt && app.lastUsedAt.getTime() !== app.createdAt.getTime()
                    ? <>last used <Time value={app.lastUsedAt} /></> : "not used to sign in yet"}
                </p>
              </div>
              <RemoveFactorButton factor="totp" id={app.id} name={toPrintableLine(app.name)} />
            </li>
          ))}
        </ul>
      ) : null}
      {apps.length < MAX_TOTP_APPS ? (
        <TotpEnrolForm defaultName={defaultTotpAppName(apps.map((a) => a.name))} another={apps.length > 0} appName={appName} email={email} />
      ) : (
        <p className="text-sm text-slate-700">You have {MAX_TOTP_APPS} authenticator apps, the most an account can hold.</p>
      )}
    </Section>
  );
}
