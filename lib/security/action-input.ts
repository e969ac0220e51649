import "server-only";
import { z } from "zod";

/**
 * A Server Action is a public POST endpoint: its arguments are whatever the caller encoded, not
 * necessarily the FormData our form sends (a string, a number, nothing). Form actions read their
 * fields through this: anything but a FormData reads as an empty form, which the action's own
 * schema then refuses with its usual field errors instead of a TypeError and a 500.
 */
export function formFields(input: unknown): FormData {
  return input instanceof FormData ? input : new FormData();
}

/**
 * An id the app handed out (a session id, a WebAuthn credential id): base64url, as randomId() and
 * WebAuthn make them. Anything else can't name a row; and PostgreSQL refuses a NUL inside text
 * outright (an error, not "no match"), so such input must stop here rather than reach a query.
 */
export const opaqueIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,1024}$/);
