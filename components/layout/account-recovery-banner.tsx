import { SubmitButton } from "@/components/ui/submit-button";
import { Time } from "@/components/ui/time";

/**
 * While an account recovery waits (lib/auth/account-recovery.ts), on every signed-in page: when
 * the second steps can be removed, and **Cancel this recovery**. A signed-in session is all it
 * takes: whoever started the recovery can't reach these pages, as they can't pass the second step.
 * The action comes from the page (components/ never imports app/).
 */
export function AccountRecoveryBanner({ recovery, cancel }: { recovery: { finishableAt: Date }; cancel: () => Promise<void> }) {
  return (
    <div role="region" aria-label="Account recovery under way" className="border-b border-red-300 bg-red-50">
      <div className="mx-auto max-w-3xl px-4 py-3 text-sm text-red-900">
        <p>
          <strong className="font-semibold">An account recovery is under way.</strong> Someone who knows your password said they
          can&apos;t use any of your second steps. Unless it is cancelled, every second step of your account can be removed from{" "}
          <Time value={recovery.finishableAt} />. If this wasn&apos;t you, cancel it and change your password.
        </p>
        <form action={cancel} className="mt-2">
          <SubmitButton variant="danger">Cancel this recovery</SubmitButton>
        </form>
      </div>
    </div>
  );
}
