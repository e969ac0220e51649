import { Section } from "@/components/ui/section";
import { DeleteAccountForm } from "./delete-account-form";

export function DeleteAccountSection({ email }: { email: string }) {
  return (
    <Section id="delete-account" title="Delete account"
      description="Deletes your account and everything in it: password, second steps, recovery codes, sessions and security log. This can't be undone. You get one last mail saying it was done.">
      <DeleteAccountForm email={email} />
    </Section>
  );
}
