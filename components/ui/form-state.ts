/** What every server action returns to its form (useActionState). */
export interface FormState {
  /** A message about the whole form (shown in the alert region). */
  message?: string;
  /** Per-field messages, keyed by input name. */
  errors?: Record<string, string[] | undefined>;
  /** Values to put back after an error, so nothing typed is lost (never passwords). */
  values?: Record<string, string>;
  /** The form is paused for this long (throttled): its button waits, with a countdown. */
  retryAfterSeconds?: number;
}

export const EMPTY_FORM_STATE: FormState = {};
