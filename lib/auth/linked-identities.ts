import "server-only";
import { deleteLinkedIdentityUnless, listLinkedIdentities, type LinkedIdentityRow } from "@/db/queries/linked-identities";
import { findUserById } from "@/db/queries/users";
import { hasPassword } from "@/lib/auth/password";
import { unlinkLeavesNoWayIn } from "@/lib/mfa/ways-in";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

export type { LinkedIdentityRow };

export async function linkedIdentitiesOf(userId: string): Promise<LinkedIdentityRow[]> {
  return listLinkedIdentities(userId);
}

/** Unlinks one identity of the account, never its last way to sign in; logged and mailed. */
export async function unlinkIdentity(userId: string, identityId: string, client: ClientContext): Promise<"unlinked" | "missing" | "last"> {
  // A password is never removed, only set, so reading it before the transaction is safe; the
  // passkeys and identities, which can go, are counted inside it (db/queries/linked-identities.ts).
  const user = await findUserById(userId);
  const withPassword = user ? hasPassword(user) : false;
  const outcome = await deleteLinkedIdentityUnless(userId, identityId, (ways) => unlinkLeavesNoWayIn({ hasPassword: withPassword, ...ways }));
  if (outcome.kind === "unlinked") {
    await recordSecurityEvent(userId, "oidc.unlinked", client, { provider_email: outcome.row.email });
  }
  return outcome.kind;
}
