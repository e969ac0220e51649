"use client";

import { useActionState, useState, useSyncExternalStore } from "react";
import { FormAlert } from "@/components/ui/alert";
import { SubmitButton, buttonClass } from "@/components/ui/submit-button";
import {
  RECOVERY_CODES_USAGE_LINE,
  formatSheetDate,
  recoveryCodesDownloadHref,
  recoveryCodesFileName,
  recoveryCodesSheetText,
  type RecoveryCodeSheet,
} from "@/lib/mfa/recovery-code-sheet";
import type { RecoveryCodesAction, RecoveryCodesState } from "./state";

interface GeneratorProps {
  /** The server action (app/actions/recovery-codes.ts), passed in by the page: components/ never imports app/. */
  action: RecoveryCodesAction;
  appName: string;
  email: string;
  /** The page this form is on (re-authentication comes back here). */
  page: string;
  /** Where confirming leads; the settings page's notice by default. */
  after?: string;
  /** The account already has a valid set: say that generating replaces it (on confirm). */
  replacing: boolean;
  /** Label of the button that starts; the contract's wording by default. */
  generateLabel?: string;
  /** A set generated already (right after a first second factor): shown at once. */
  initial?: RecoveryCodesState;
  /**
   * The set was offered, not asked for: Cancel reads as this label ("Skip for now"), and once
   * skipped the generator shows nothing (the settings section keeps reminding).
   */
  skipLabel?: string;
  /** Shown above the codes while they are on screen (an offered set says why it is offered). */
  intro?: React.ReactNode;
  /**
   * Shown above the Generate button only (what the account has now, a reminder to make codes): it
   * goes while a new set is on screen, where "You have no recovery codes" would contradict it.
   */
  idle?: React.ReactNode;
}

/**
 * Generate → show once → confirm. Everything renders from the action's state, so it works without
 * JavaScript; only Copy and Print need it and stay disabled until the page is interactive.
 */
export function RecoveryCodesGenerator({ action, appName, email, page, after, replacing, generateLabel, initial, skipLabel, intro, idle }: GeneratorProps) {
  const [state, formAction] = useActionState(action, initial ?? ({} as RecoveryCodesState));
  const hidden = (
    <>
      <input type="hidden" name="page" value={page} />
      {after ? <input type="hidden" name="after" value={after} /> : null}
    </>
  );

  if (!state.pending) {
    if (skipLabel && !state.message) return null;
    return (
      <div className="space-y-4">
      {idle}
      <form action={formAction} className="space-y-3">
        <FormAlert message={state.message} />
        {hidden}
        {replacing ? (
          <p className="text-sm text-slate-600">A new set replaces your current codes once you confirm it; until then they keep working.</p>
        ) : null}
        <SubmitButton name="intent" value="generate">{generateLabel ?? "Generate new recovery codes"}</SubmitButton>
      </form>
      </div>
    );
  }

  const sheet: RecoveryCodeSheet = { appName, email, codes: state.pending.codes, generatedAt: state.pending.generatedAt };
  return (
    // data-codes-shown: a section that highlights itself to ask for codes stops while they are shown.
    <div className="space-y-4" data-codes-shown="">
      {intro}
      <FormAlert message={state.message} />
      <p className="text-sm text-slate-700">
        Save these codes somewhere safe, such as a password manager or a printed copy. They are shown
        only now. {replacing ? "Your current codes keep working until you confirm." : null}
      </p>
      <CodeSheet sheet={sheet} />
      <SheetActions sheet={sheet} />
      <form action={formAction} className="space-y-3 border-t border-slate-200 pt-4" noValidate>
        {hidden}
        <input type="hidden" name="sealed" value={state.pending.sealed} />
        <SavedCheckbox errors={state.errors?.saved} />
        <div className="flex flex-wrap gap-3">
          <SubmitButton name="intent" value="confirm">Confirm</SubmitButton>
          <SubmitButton name="intent" value="cancel" variant="secondary">{skipLabel ?? "Cancel"}</SubmitButton>
        </div>
      </form>
    </div>
  );
}

/** The part that prints (app/globals.css: body.printing-codes shows only .print-area). */
function CodeSheet({ sheet }: { sheet: RecoveryCodeSheet }) {
  return (
    <div className="print-area rounded-xl border border-slate-200 bg-slate-50 p-4">
      <p className="hidden font-semibold print:block">{sheet.appName} recovery codes for {sheet.email}</p>
      <ol aria-label="Recovery codes" className="grid grid-cols-1 gap-x-8 gap-y-2 sm:grid-cols-2">
        {sheet.codes.map((code, i) => (
          <li key={code} className="flex items-baseline gap-3">
            <span aria-hidden="true" className="w-6 text-right text-sm text-slate-500 tabular-nums">{i + 1}.</span>
            <code className="font-mono text-base tracking-wide text-slate-900">{code}</code>
          </li>
        ))}
      </ol>
      <p className="mt-3 text-sm text-slate-600">
        Generated {formatSheetDate(sheet.generatedAt)}. {RECOVERY_CODES_USAGE_LINE}
      </p>
    </div>
  );
}

const subscribeNever = () => () => {};
/** False in the server's HTML, true once hydrated: controls that need JS are disabled until then. */
function useInteractive(): boolean {
  return useSyncExternalStore(subscribeNever, () => true, () => false);
}

function SheetActions({ sheet }: { sheet: RecoveryCodeSheet }) {
  const interactive = useInteractive();
  const [status, setStatus] = useState("");

  async function copy() {
    try {
      await navigator.clipboard.writeText(recoveryCodesSheetText(sheet));
      setStatus("Codes copied to the clipboard.");
    } catch {
      setStatus("Couldn't copy: your browser refused. Use Download or select the codes instead.");
    }
  }

  function print() {
    document.body.classList.add("printing-codes");
    window.addEventListener("afterprint", () => document.body.classList.remove("printing-codes"), { once: true });
    window.print();
  }

  return (
    <div>
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={copy} disabled={!interactive} className={buttonClass("secondary")}>Copy</button>
        {/* A link, so it works without JS; role=button because it acts as one (docs/contract.md). */}
        <a role="button" href={recoveryCodesDownloadHref(sheet)} download={recoveryCodesFileName(sheet.appName, sheet.email)}
          className={buttonClass("secondary")}>Download</a>
        <button type="button" onClick={print} disabled={!interactive} className={buttonClass("secondary")}>Print</button>
      </div>
      <p role="status" aria-live="polite" className="mt-2 min-h-5 text-sm text-slate-700">{status}</p>
    </div>
  );
}

function SavedCheckbox({ errors }: { errors?: string[] }) {
  const invalid = Boolean(errors?.length);
  return (
    <div>
      <div className="flex items-start gap-3">
        <input id="recovery-codes-saved" type="checkbox" name="saved" required aria-invalid={invalid || undefined}
          aria-describedby="recovery-codes-saved-error" className="mt-1 h-5 w-5 rounded border-slate-300" />
        <label htmlFor="recovery-codes-saved" className="text-sm font-medium text-slate-800">I have saved these codes</label>
      </div>
      <div id="recovery-codes-saved-error" aria-live="polite" className="mt-1 text-sm text-red-700">
        {errors?.map((error) => <p key={error}>{error}</p>)}
      </div>
    </div>
  );
}
