import Link from "next/link";
import { AuthCard } from "@/components/layout/auth-card";

export const metadata = { title: "Account deleted" };

/**
 * Where the settings page's deletion lands, signed out. It reads nothing and names no account: a
 * visitor who opens it by hand learns nothing.
 */
export default function AccountDeletedPage() {
  return (
    <AuthCard title="Your account was deleted"
      description="Your account and everything in it are gone, and this browser is signed out. A last mail confirming it is on its way to your address.">
      <p className="text-sm text-slate-700">
        You can <Link href="/signup" className="font-medium text-brand-700 underline-offset-4 hover:underline">create a new account</Link> with
        the same address at any time.
      </p>
    </AuthCard>
  );
}
