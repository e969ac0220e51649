import "server-only";

/**
 * A Server Action is a public POST endpoint: its arguments are whatever the caller encoded, not
 * necessarily the FormData our form sends (a string, a number, nothing). Form actions read their
 * fields through this: anything but a FormData reads as an empty form, which the action's own
 * schema then refuses with its usual field errors instead of a TypeError and a 500.
 */
export function formFields(input: unknown): FormData {
  return input instanceof FormData ? input : new FormData();
}
