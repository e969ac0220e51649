import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/layout/auth-card";
import { getAccess } from "@/lib/auth/guards";
import { SignUpForm } from "./components";

export const metadata = { title: "Create account" };

export default async function SignUpPage() {
  const access = await getAccess();
  if (access.kind === "signed_in") redirect("/");
  return (
    <AuthCard
      title="Create your account"
      footer={<>Already have an account? <Link href="/login" className="font-medium text-brand-700 underline-offset-4 hover:underline">Sign in</Link></>}
    >
      <SignUpForm />
    </AuthCard>
  );
}
