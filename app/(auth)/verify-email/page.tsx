import Link from "next/link";
import { AuthCard } from "@/components/layout/auth-card";
import { readEmailLinkOutcome } from "@/lib/auth/email-link-cookie";
import { getAccess } from "@/lib/auth/guards";
import { EMAIL_LINK_MESSAGES } from "./messages";

export const metadata = { title: "Email address" };

const link = "text-brand-700 underline-offset-4 hover:underline";

/**
 * Where a mailed email link lands, after ./link/route.ts spent it and took the token out of the
 * URL: it says what happened. Reads only; a visit without an outcome (typed by hand, or the
 * outcome's few minutes are over) reads like a dead link.
 */
export default async function VerifyEmailPage() {
  const outcome = (await readEmailLinkOutcome()) ?? "expired";
  const message = EMAIL_LINK_MESSAGES[outcome];
  const signedIn = (await getAccess()).kind === "signed_in";
  const ok = outcome === "verified" || outcome === "changed";
  return (
    <AuthCard title={message.title}>
      <p role={ok ? "status" : "alert"} className="text-sm text-slate-700">{message.text}</p>
      {outcome === "expired" ? (
        <p className="mt-4 text-sm text-slate-700">
          To get a new link, {signedIn ? null : "sign in and "}use <strong className="font-medium">Resend verification email</strong> or{" "}
          <strong className="font-medium">Change email</strong> in your security settings.
        </p>
      ) : null}
      <p className="mt-4 text-sm">
        {signedIn ? (
          <Link className={link} href="/settings/security">Go to your security settings</Link>
        ) : (
          <Link className={link} href="/login">Sign in</Link>
        )}
      </p>
    </AuthCard>
  );
}
