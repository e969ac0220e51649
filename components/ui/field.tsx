import type { InputHTMLAttributes } from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: React.ReactNode;
  /** Classes for the input alone (e.g. font-mono for codes); `className` is the whole field's. */
  inputClassName?: string;
};

/**
 * A labelled input whose errors are announced: the message is linked with aria-describedby and
 * sits in a live region, and the input is marked aria-invalid (never colour alone).
 */
export function Field({ label, name, errors, hint, id, className, inputClassName, ...input }: FieldProps) {
  const inputId = id ?? `field-${name}`;
  const errorId = `${inputId}-error`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const invalid = Boolean(errors?.length);
  return (
    <div className={className}>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">{label}</label>
      {hint ? <p id={hintId} className="mt-1 text-sm text-slate-600">{hint}</p> : null}
      <input
        id={inputId}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ")}
        className={`mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-brand-600 aria-invalid:border-red-600 read-only:bg-slate-100 ${inputClassName ?? ""}`}
        {...input}
      />
      <div id={errorId} aria-live="polite" className="mt-1 min-h-0 text-sm text-red-700">
        {errors?.map((error) => <p key={error}>{error}</p>)}
      </div>
    </div>
  );
}
