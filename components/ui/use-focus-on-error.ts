"use client";

import { useEffect, useRef } from "react";
import type { FormState } from "@/components/ui/form-state";

/**
 * After a failed submit, moves focus to the first invalid field, else to the form's message, so a
 * keyboard or screen-reader user lands on what to fix (without JavaScript the page is rendered
 * anew and the first field's autofocus does the same). Returns the ref for the <form>.
 */
export function useFocusOnError(state: FormState) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state.errors && !state.message) return;
    const target =
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current?.querySelector<HTMLElement>("[data-form-message]");
    target?.focus();
  }, [state]);
  return form;
}
