import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { getBranding } from "@/lib/branding";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  await connection();
  const { name } = getBranding();
  return {
    title: { default: name, template: `%s · ${name}` },
    description: "Sign in safely with a password and a second factor.",
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The name, logo and colour come from the environment the server runs with, not the one it was
  // built with: no page may be prerendered at build time with the build machine's branding.
  await connection();
  const { cssVariables } = getBranding();
  return (
    <html lang="en" style={cssVariables as React.CSSProperties | undefined}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
