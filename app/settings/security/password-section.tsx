import { Section } from "@/components/ui/section";
import { ChangePasswordForm } from "./password-form";

/** The current password isn't asked for: this page is reached only in a privileged session. */
export function PasswordSection({ email }: { email: string }) {
  return (
    <Section id="password" title="Password"
      description="Choose a new password. Every other session is signed out, and any password reset link you asked for stops working.">
      <ChangePasswordForm email={email} />
    </Section>
  );
}
