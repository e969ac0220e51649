import { startOidcAction } from "@/app/actions/oidc";
import { ProviderButton } from "@/components/oidc/provider-button";
import { Section } from "@/components/ui/section";
import { SubmitButton } from "@/components/ui/submit-button";
import { Time } from "@/components/ui/time";
import { linkedIdentitiesOf } from "@/lib/auth/linked-identities";
import { unlinkIdentityAction } from "./identities-actions";

/** Identities at the OpenID Connect provider that sign in to this account; shown when it is configured. */
export async function LinkedIdentitiesSection({ userId, provider }: { userId: string; provider: string }) {
  const identities = await linkedIdentitiesOf(userId);
  return (
    <Section id="identities" title="Linked identities"
      description={`Sign in with ${provider} instead of a password. You still use your second step after it.`}>
      {identities.length > 0 ? (
        <ul className="mb-5 divide-y divide-slate-200">
          {identities.map((identity) => (
            <li key={identity.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
              <div className="min-w-0 text-sm">
                <p className="break-words font-medium text-slate-900">{provider}: {identity.email ?? "identity without an email address"}</p>
                <p className="text-slate-600">
                  Linked <Time value={identity.createdAt} /> · {identity.lastUsedAt ? <>last used <Time value={identity.lastUsedAt} /></> : "never used"}
                </p>
              </div>
              <form action={unlinkIdentityAction}>
                <input type="hidden" name="identity_id" value={identity.id} />
                <SubmitButton variant="danger" aria-label={`Unlink ${provider} identity ${identity.email ?? ""}`.trim()}>Unlink</SubmitButton>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mb-4 text-sm text-slate-600">No identity is linked.</p>
      )}
      <ProviderButton action={startOidcAction} mode="link" returnTo="/settings/security" label={`Link ${provider}`} />
    </Section>
  );
}
