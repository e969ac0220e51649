import "server-only";
import { deleteLinkedIdentityUnlessLast, listLinkedIdentities, type LinkedIdentityRow } from "@/db/queries/linked-identities";
import { findUserById } from "@/db/queries/users";
import { listWebAuthnCredentials } from "@/db/queries/webauthn";
import { hasPassword } from "@/lib/auth/password";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

export type { LinkedIdentityRow };

export async function linkedIdentitiesOf(userId: string): Promise<LinkedIdentityRow[]> {
  return listLinkedIdentities(userId);
}

/**
 * The ways into an account that need nothing else first: a password, a passkey (a whole sign-in on
 * its own), a linked identity. A security key that isn't a passkey only follows a first factor.
 */
export async function hasPasswordOrPasskey(userId: string): Promise<boolean> {
  const user = await findUserById(userId);
  if (user && hasPassword(user)) return true;
  return (await listWebAuthnCredentials(userId)).some((key) => key.isPasskey);
}

/** Unlinks one identity of the account, never its last way to sign in; logged and mailed. */
export async function unlinkIdentity(userId: string, identityId: string, client: ClientContext): Promise<"unlinked" | "missing" | "last"> {
  const outcome = await deleteLinkedIdentityUnlessLast(userId, identityId, await hasPasswordOrPasskey(userId));
  if (outcome.kind === "unlinked") {
    await recordSecurityEvent(userId, "oidc.unlinked", client, { provider_email: outcome.row.email });
  }
  return outcome.kind;
}
