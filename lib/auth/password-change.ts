import "server-only";
import { changePasswordHash, findUserById } from "@/db/queries/users";
import { hashPassword } from "@/lib/auth/password";
import { checkNewPassword, type PasswordWeakness } from "@/lib/auth/password-policy";
import { clearPasswordFailures } from "@/lib/auth/password-sign-in";
import { recordSecurityEvent } from "@/lib/security/audit";
import type { ClientContext } from "@/lib/security/client";

/**
 * A new password from the settings page. The caller has checked the privileged session (every
 * factor within PRIVILEGED_SESSION_MAX_AGE), which is why the current password is not asked again.
 * Sign-up's policy and argon2id (hashed in a hashing slot, off the event loop, as every hash), then
 * one transaction: compare-and-set on the hash read before hashing, pending reset links and every
 * other session end (db/queries/users.ts changePasswordHash). This session keeps its AMR and AAL:
 * it proved every factor moments ago. The change is logged and mailed (password.changed).
 */
export type ChangePasswordResult =
  | { ok: true; sessionsEnded: number }
  | { ok: false; reason: "weak"; weakness: PasswordWeakness }
  /** The password changed meanwhile (a reset, another tab), or this session was ended meanwhile. */
  | { ok: false; reason: "changed_meanwhile" };

export async function changePassword(
  session: { id: string; userId: string; email: string },
  password: string,
  client: ClientContext,
): Promise<ChangePasswordResult> {
  const weakness = checkNewPassword(password, session.email);
  if (weakness) return { ok: false, reason: "weak", weakness };
  // Read before hashing: whatever lands while the hash runs makes the compare-and-set fail.
  const user = await findUserById(session.userId);
  if (!user) return { ok: false, reason: "changed_meanwhile" };
  const newHash = await hashPassword(password);
  const changed = await changePasswordHash({ userId: user.id, oldHash: user.passwordHash, newHash, keepSessionId: session.id });
  if (!changed) return { ok: false, reason: "changed_meanwhile" };
  // Wrong guesses at the old password say nothing about the new one: the run starts over, as after a reset.
  await clearPasswordFailures(user.email);
  await recordSecurityEvent(user.id, "password.changed", client, {
    sessions_ended: changed.sessionsEnded,
    reset_links_ended: changed.resetLinksEnded,
  });
  return { ok: true, sessionsEnded: changed.sessionsEnded };
}
