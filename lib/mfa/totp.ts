import "server-only";
import QRCode from "qrcode";
import { claimTotpStep, deleteTotpCredential, findTotpCredential, hasTotpCredential, insertTotpCredential } from "@/db/queries/totp";
import { getConfig } from "@/lib/config";
import { decrypt, encrypt, seal, unseal } from "@/lib/crypto/encryption";
import { randomId } from "@/lib/crypto/random";
import {
  formatSetupKey,
  matchTotpStep,
  newTotpSecret,
  normaliseTotpCode,
  totpUri,
} from "@/lib/mfa/totp-code";
import { removeCredential } from "@/lib/mfa/removal";
import type { MethodImplementation, VerifyOutcome } from "@/lib/mfa/types";

/** How long a started enrolment stays valid; it lives only in the browser's form until confirmed. */
const ENROLMENT_TTL_SECONDS = 15 * 60;

const secretContext = (userId: string) => `totp-secret:${userId}`;
const enrolmentContext = (userId: string, sessionId: string) => `totp-enrolment:${userId}:${sessionId}`;

export const totpMethod: MethodImplementation<"totp"> = {
  id: "totp",
  raisesAvailableAal: true,
  isEnrolled: hasTotpCredential,
  verify: (userId, { code }, { now }) => verifyTotp(userId, code, now),
  // An account has at most one authenticator app: there is no credential id to choose.
  remove: (userId, _credentialId, context) =>
    removeCredential(userId, context, "totp.removed", deleteTotpCredential(userId).then((deleted) => (deleted ? {} : null))),
  async removeAll(userId) {
    await deleteTotpCredential(userId);
  },
};

export interface TotpEnrolment {
  /** Sealed pending secret, bound to user and session, carried in a hidden form field. */
  sealed: string;
  setupKey: string;
  qrCodeDataUrl: string;
}

/** Step one: a fresh secret, shown once. Nothing is stored until the user proves they saved it. */
export async function beginTotpEnrolment(userId: string, sessionId: string, email: string): Promise<TotpEnrolment> {
  return describeEnrolment(newTotpSecret(), userId, sessionId, email);
}

async function describeEnrolment(secret: string, userId: string, sessionId: string, email: string): Promise<TotpEnrolment> {
  const uri = totpUri(secret, getConfig().APP_NAME, email);
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return {
    sealed: seal(secret, enrolmentContext(userId, sessionId), ENROLMENT_TTL_SECONDS),
    setupKey: formatSetupKey(secret),
    qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
  };
}

/** Re-describes a pending enrolment (after a wrong code the same secret stays on screen). */
export async function resumeTotpEnrolment(sealed: string, userId: string, sessionId: string, email: string): Promise<TotpEnrolment | null> {
  const secret = unseal<string>(sealed, enrolmentContext(userId, sessionId));
  return secret ? describeEnrolment(secret, userId, sessionId, email) : null;
}

export type ConfirmOutcome = { ok: true } | { ok: false; reason: "expired" | "invalid" | "already_enrolled" };

/** Step two: the code proves the app holds the secret; only now is the credential written. */
export async function confirmTotpEnrolment(
  sealed: string,
  rawCode: string,
  userId: string,
  sessionId: string,
  now = new Date(),
): Promise<ConfirmOutcome> {
  const secret = unseal<string>(sealed, enrolmentContext(userId, sessionId));
  if (!secret) return { ok: false, reason: "expired" };
  const code = normaliseTotpCode(rawCode);
  const step = code ? matchTotpStep(secret, code, now.getTime()) : null;
  if (step === null) return { ok: false, reason: "invalid" };
  const inserted = await insertTotpCredential({
    id: randomId(),
    userId,
    secretCiphertext: encrypt("totp-secret-encryption", secret, secretContext(userId)),
    // The enrolment code counts as used: it can't be replayed to sign in.
    lastUsedStep: step,
    createdAt: now,
    lastUsedAt: now,
  });
  return inserted ? { ok: true } : { ok: false, reason: "already_enrolled" };
}

/**
 * Checks a code at sign-in. A time step is accepted at most once per user, ever: the claim is a
 * single conditional UPDATE, so two concurrent requests with the same code can't both pass.
 */
export async function verifyTotp(userId: string, rawCode: string, now = new Date()): Promise<VerifyOutcome> {
  const credential = await findTotpCredential(userId);
  if (!credential) return { ok: false, reason: "not_enrolled" };
  const code = normaliseTotpCode(rawCode);
  if (!code) return { ok: false, reason: "invalid" };
  const secret = decrypt("totp-secret-encryption", credential.secretCiphertext, secretContext(userId));
  if (!secret) throw new Error("TOTP secret can't be decrypted: AUTH_SECRET changed without AUTH_SECRET_PREVIOUS?");
  const step = matchTotpStep(secret, code, now.getTime());
  if (step === null) return { ok: false, reason: "invalid" };
  if (credential.lastUsedStep !== null && step <= credential.lastUsedStep) {
    return { ok: false, reason: "replayed" };
  }
  return (await claimTotpStep(userId, step, now)) ? { ok: true } : { ok: false, reason: "replayed" };
}

export async function getTotpStatus(userId: string) {
  const credential = await findTotpCredential(userId);
  return credential ? { enabled: true as const, createdAt: credential.createdAt, lastUsedAt: credential.lastUsedAt } : { enabled: false as const };
}
