import "server-only";
import { countLinkedIdentities } from "@/db/queries/linked-identities";
import { findUserById } from "@/db/queries/users";
import { listWebAuthnCredentials } from "@/db/queries/webauthn";
import { hasPassword } from "@/lib/auth/password";
import { removalLeavesNoWayIn } from "@/lib/mfa/ways-in";
import { getRecoveryCodesStatus } from "@/lib/mfa/recovery-codes";
import { listTotpApps } from "@/lib/mfa/totp";

/** A removable second factor: an authenticator app or a WebAuthn credential (key or passkey). */
export type RemovableFactor = "totp" | "webauthn";

export interface FactorSummary {
  kind: "app" | "key" | "passkey";
  name: string;
}

/**
 * What removing one factor would leave, for the confirmation step (the UI words it): the factor
 * itself, the second factors that remain, and whether it is the last one, in which case the
 * after-removal rule (lib/mfa/removal.ts) deletes the recovery codes and the account is back to
 * the password alone. Only reads; null when the factor isn't (or no longer) the user's.
 */
export interface RemovalPreview {
  factor: FactorSummary;
  remaining: FactorSummary[];
  lastSecondFactor: boolean;
  /** Unused codes of the confirmed set, or null when there is none. */
  recoveryCodesLeft: number | null;
  /** A passkey that is the account's only way to sign in (lib/mfa/ways-in.ts): it can't be removed yet. */
  onlyWayIn: boolean;
}

export async function previewRemoval(userId: string, factor: RemovableFactor, id: string): Promise<RemovalPreview | null> {
  const [apps, keys, codes, user, identities] = await Promise.all([
    listTotpApps(userId),
    listWebAuthnCredentials(userId),
    getRecoveryCodesStatus(userId),
    findUserById(userId),
    countLinkedIdentities(userId),
  ]);
  const all: Array<FactorSummary & { factor: RemovableFactor; id: string }> = [
    ...apps.map((app) => ({ factor: "totp" as const, id: app.id, kind: "app" as const, name: app.name })),
    ...keys.map((key) => ({ factor: "webauthn" as const, id: key.id, kind: key.isPasskey ? ("passkey" as const) : ("key" as const), name: key.name })),
  ];
  const target = all.find((f) => f.factor === factor && f.id === id);
  if (!target) return null;
  const remaining = all.filter((f) => f !== target).map(({ kind, name }) => ({ kind, name }));
  return {
    factor: { kind: target.kind, name: target.name },
    remaining,
    lastSecondFactor: remaining.length === 0,
    recoveryCodesLeft: codes ? codes.remaining : null,
    onlyWayIn: removalLeavesNoWayIn(
      { isPasskey: target.kind === "passkey" },
      { hasPassword: user ? hasPassword(user) : false, linkedIdentities: identities, passkeys: keys.filter((key) => key.isPasskey).length },
    ),
  };
}
