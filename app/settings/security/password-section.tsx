import { Section } from "@/components/ui/section";
import { ChangePasswordForm } from "./password-form";

/** The current password isn't asked for: this page is reached only in a privileged session. */
export function PasswordSection({ email, hasPassword = true }: { email: string; hasPassword?: boolean }) {
  return (
    <Section id="password" title="Password"
      description={hasPassword
        ? "Choose a new password. Every other session is signed out, and any password reset link you asked for stops working."
        : "You have no password yet: you sign in through your linked identity. Set one to sign in with your email address too. Every other session is signed out."}>
      <ChangePasswordForm email={email} />
    </Section>
  );
}
