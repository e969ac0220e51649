"use client";

import { browserSupportsWebAuthn, WebAuthnError } from "@simplewebauthn/browser";

/** Turns what the browser threw during a WebAuthn ceremony into words for the user. */
export function ceremonyErrorMessage(error: unknown, kind: "register" | "authenticate"): string {
  if (!browserSupportsWebAuthn()) {
    return "This browser can't use security keys or passkeys. Use another method or another browser.";
  }
  const name = error instanceof WebAuthnError ? (error.cause as Error | undefined)?.name ?? error.name : (error as Error | undefined)?.name;
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || name === "InvalidStateError") {
    return "This security key is already registered to your account.";
  }
  if (code === "ERROR_CEREMONY_ABORTED" || name === "AbortError") {
    return "The request was cancelled. Try again when you're ready.";
  }
  if (name === "NotAllowedError") {
    return kind === "register"
      ? "The security key request was cancelled or timed out. Try again."
      : "The request was cancelled or timed out. Try again, or use another method.";
  }
  if (name === "SecurityError" || code === "ERROR_INVALID_DOMAIN" || code === "ERROR_INVALID_RP_ID") {
    return "Security keys can't be used on this address. Open the site at its usual address.";
  }
  return "Something went wrong with the security key. Try again, or use another method.";
}
