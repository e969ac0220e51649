/**
 * The small interface every second-factor method implements. Methods report what they completed;
 * they never decide assurance levels (lib/auth/aal.ts does) or touch sessions (lib/auth/flow.ts).
 */
export type SecondFactorMethodId = "totp" | "webauthn" | "lookup_secret";

export interface SecondFactorMethod {
  readonly id: SecondFactorMethodId;
  /**
   * Whether having this method enrolled makes aal2 available. Recovery codes don't: they are a
   * fallback for the other methods, not a factor one enrols on its own (Safewhere, Discourse).
   */
  readonly raisesAvailableAal: boolean;
  isEnrolled(userId: string): Promise<boolean>;
  /** Deletes every credential of this method for the user (used by removal and operator resets). */
  removeAll(userId: string): Promise<void>;
}

export type VerifyOutcome =
  /** `detail` is non-secret context for the security log (e.g. which recovery code number). */
  | { ok: true; detail?: Record<string, string | number> }
  | { ok: false; reason: "invalid" | "replayed" | "not_enrolled" };
