import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { ClientContext } from "@/lib/security/client";

/**
 * The interface every second-factor method implements. Methods report what they completed; they
 * never decide assurance levels (lib/auth/aal.ts does) or touch sessions (lib/auth/flow.ts).
 *
 * Verification and removal are the same for every method, so they are part of the interface:
 * the sign-in step and the settings page call them without knowing which method they hold.
 *
 * Enrolment is not: each method's ceremony has its own shape (TOTP shows a secret and then checks
 * a code; WebAuthn hands the browser a challenge and then checks a signed credential; recovery
 * codes are shown and then acknowledged). Forcing them through one signature would mean unions of
 * inputs and outputs that every caller takes apart again. What they share is the vocabulary: two
 * steps, `begin…` (nothing is stored, or only as pending) and `confirm…` (the user proved they hold
 * it; only now does it count), with `{ ok: true } | { ok: false, reason }` outcomes:
 * `beginTotpEnrolment` / `confirmTotpEnrolment`, `beginWebAuthnRegistration` /
 * `confirmWebAuthnRegistration`, `beginRecoveryCodeSet` / `confirmRecoveryCodeSet`.
 */
export type SecondFactorMethodId = "totp" | "webauthn" | "lookup_secret";

/** What each method's `verify` takes: the sign-in form's input, already shaped by zod at the edge. */
export interface VerifyInputs {
  /** The code as typed (spaces allowed). */
  totp: { code: string };
  /** A recovery code as typed (dashes and case don't matter). */
  lookup_secret: { code: string };
  /** The browser's assertion, and what its challenge was bound to (the session's id). */
  webauthn: { response: AuthenticationResponseJSON; binding: string };
}

export interface MethodContext {
  /** Who asked, for the security events a method writes itself (a possibly cloned key, a removal). */
  client: ClientContext;
  now?: Date;
  /**
   * Set by the registry (lib/mfa/index.ts) for a removal, which needs every method to know: does
   * the account still hold a second factor? A removal that took the last one says so in its event,
   * so its mail can say that two-step verification is now off.
   */
  hasSecondFactor?: (userId: string) => Promise<boolean>;
}

/**
 * Why a verification failed. `possibly_cloned`: a WebAuthn signature counter that went backwards
 * (WebAuthn §6.1.1), so two copies of the key may exist; the method has already logged it.
 */
export type VerifyFailure = "invalid" | "replayed" | "not_enrolled" | "possibly_cloned";

/** Non-secret context for the security log (which recovery code number, which key). */
export type LogDetail = Record<string, string | number | boolean>;

export type VerifyOutcome = { ok: true; detail?: LogDetail } | { ok: false; reason: VerifyFailure; detail?: LogDetail };

/** `recoveryCodesDeleted`: this was the last second factor, so the recovery codes went with it. */
export type RemoveOutcome = { ok: true; recoveryCodesDeleted: boolean; detail?: LogDetail } | { ok: false; reason: RemovalRefusal };

/**
 * Why nothing was removed: there was no such credential, or it is a passkey that is the account's
 * only way to sign in (lib/mfa/ways-in.ts), which must not go before another way is added.
 */
export type RemovalRefusal = "not_found" | "only_way_in";

/** What a method's own removal reports: the credential is gone (and logged), or there was none. */
export type RemovedCredential = { ok: true; detail?: LogDetail } | { ok: false; reason: RemovalRefusal };

export interface SecondFactorMethod<Id extends SecondFactorMethodId = SecondFactorMethodId> {
  readonly id: Id;
  /**
   * Whether having this method enrolled makes aal2 available. Recovery codes don't: they are a
   * fallback for the other methods, not a factor one enrols on its own (Safewhere, Discourse).
   */
  readonly raisesAvailableAal: boolean;
  isEnrolled(userId: string): Promise<boolean>;
  /** Checks one use of the method. Spending attempts and recording the success are the caller's (lib/auth/flow.ts). */
  verify(userId: string, input: VerifyInputs[Id], context: MethodContext): Promise<VerifyOutcome>;
  /**
   * Removes one credential (`credentialId`, for methods that can hold several) or the method's only
   * one, logs it, and applies the after-removal rule (lib/mfa/removal.ts; the registry, lib/mfa/index.ts, adds it to each method's own removal).
   */
  remove(userId: string, credentialId: string | undefined, context: MethodContext): Promise<RemoveOutcome>;
  /** Deletes every credential of this method, silently (an operator reset logs its own event). */
  removeAll(userId: string): Promise<void>;
}

/**
 * A method as its module defines it: its `remove` takes the credential away and logs it. The
 * registry (lib/mfa/index.ts) adds the after-removal rule, which needs every method, so that no
 * method module has to know the others.
 */
export type MethodImplementation<Id extends SecondFactorMethodId = SecondFactorMethodId> = Omit<SecondFactorMethod<Id>, "remove"> & {
  remove(userId: string, credentialId: string | undefined, context: MethodContext): Promise<RemovedCredential>;
};
