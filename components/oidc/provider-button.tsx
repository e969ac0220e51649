import { SubmitButton } from "@/components/ui/submit-button";

/**
 * A button that starts a round trip through the OpenID Connect provider: a plain form, so it
 * works without JavaScript. The action (app/actions/oidc.ts) comes in as a prop.
 */
export function ProviderButton({
  action,
  mode,
  returnTo,
  label,
  variant = "secondary",
}: {
  action: (formData: FormData) => Promise<void>;
  mode: "sign_in" | "reauth" | "link";
  returnTo: string;
  label: string;
  variant?: "primary" | "secondary";
}) {
  return (
    <form action={action}>
      <input type="hidden" name="mode" value={mode} />
      <input type="hidden" name="return_to" value={returnTo} />
      <SubmitButton variant={variant} full={mode !== "link"}>{label}</SubmitButton>
    </form>
  );
}
