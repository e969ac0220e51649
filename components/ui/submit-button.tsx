"use client";

import { useFormStatus } from "react-dom";
import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-400",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "border border-red-300 bg-white text-red-700 hover:bg-red-50 disabled:text-red-300",
} as const;

export function buttonClass(variant: keyof typeof VARIANTS = "primary", full = false) {
  return `inline-flex items-center justify-center rounded-lg px-4 py-2 text-sm font-semibold shadow-sm transition ${VARIANTS[variant]} ${full ? "w-full" : ""}`;
}

/** A submit button that says it is working while its form's action runs (and can't double-submit). */
export function SubmitButton({
  children,
  variant = "primary",
  full = false,
  disabled = false,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS; full?: boolean }) {
  const { pending } = useFormStatus();
  // Disabled while the action runs, or by the form (a throttling pause).
  const off = pending || disabled;
  return (
    <button type="submit" disabled={off} aria-disabled={off} className={buttonClass(variant, full)} {...props}>
      {children}
    </button>
  );
}
