import Link from "next/link";
import { getBranding } from "@/lib/branding";

/**
 * The product name (APP_NAME), with the logo (APP_LOGO) before it when there is one, linking home.
 * A server component: it reads the branding itself, so no page has to pass it down. The logo is
 * decorative (alt=""): the name beside it is the link's text, and a screen reader says it once.
 */
export function BrandMark({ className = "" }: { className?: string }) {
  const { name, logo } = getBranding();
  return (
    <Link href="/" className={`inline-flex items-center gap-2 text-lg font-semibold tracking-tight text-brand-700 ${className}`}>
      {/* A plain <img>: the file is the operator's own, served as is from public/ (no optimiser round trip). */}
      {logo ? <img src={logo} alt="" className="h-8 w-auto" /> : null}
      {name}
    </Link>
  );
}
