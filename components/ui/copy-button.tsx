"use client";

import { useState, useSyncExternalStore } from "react";
import { buttonClass } from "@/components/ui/submit-button";

const subscribeNever = () => () => {};

/**
 * A button that puts `text` on the clipboard and says so in a live region. It needs JavaScript, so
 * it stays disabled until the page is interactive (the text beside it can still be selected).
 * `label` is the accessible name when several Copy buttons share a page ("Copy key": not "setup key", which the key itself is labelled); the
 * visible word stays "Copy", which the name starts with (WCAG 2.5.3, label in name).
 */
export function CopyButton({ text, label, copied = "Copied", failed = "Couldn't copy: your browser refused. Select the text instead." }: {
  text: string;
  label: string;
  copied?: string;
  failed?: string;
}) {
  const interactive = useSyncExternalStore(subscribeNever, () => true, () => false);
  const [status, setStatus] = useState("");

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus(copied);
    } catch {
      setStatus(failed);
    }
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
      <button type="button" onClick={copy} disabled={!interactive} aria-label={label} className={buttonClass("secondary")}>Copy</button>
      <span role="status" aria-live="polite" className="text-sm text-slate-700">{status}</span>
    </span>
  );
}
