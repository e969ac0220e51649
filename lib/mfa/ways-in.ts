/**
 * The rule that an account never loses its last way to sign in by removing a passkey or unlinking
 * an identity (pure, so the confirmation page and the removal itself decide it the same way). The
 * ways in that need nothing else first: a password, a linked identity at the OpenID Connect
 * provider, a passkey (a whole sign-in on its own). A security key that isn't a passkey, an
 * authenticator app and recovery codes only follow a first factor, so they don't count.
 */
export interface WaysIn {
  hasPassword: boolean;
  linkedIdentities: number;
  /** Passkeys of the account, the one to be removed included. */
  passkeys: number;
}

/** True when removing this credential would leave the account nothing to sign in with. */
export function removalLeavesNoWayIn(target: { isPasskey: boolean }, ways: WaysIn): boolean {
  if (!target.isPasskey) return false;
  return !ways.hasPassword && ways.linkedIdentities === 0 && ways.passkeys <= 1;
}

/** True when unlinking one of the account's identities (counted in `linkedIdentities`) would leave it nothing. */
export function unlinkLeavesNoWayIn(ways: WaysIn): boolean {
  return !ways.hasPassword && ways.passkeys === 0 && ways.linkedIdentities <= 1;
}
