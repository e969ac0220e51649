import "server-only";
import QRCode from "qrcode";
import {
  claimTotpStep,
  deleteAllTotpCredentials,
  deleteTotpCredential,
  hasTotpCredential,
  insertTotpCredential,
  listTotpCredentials,
  type TotpCredentialRow,
} from "@/db/queries/totp";
import { getConfig } from "@/lib/config";
import { decrypt, encrypt, seal, unseal } from "@/lib/crypto/encryption";
import { randomId } from "@/lib/crypto/random";
import { factorNameSchema } from "@/lib/mfa/factor-name";
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
/**
 * Authenticator apps one account may hold. A sign-in tries every app's secret (a few microseconds
 * each), so the number is bounded; ten covers every phone, tablet and password manager a person
 * keeps at once.
 */
export const MAX_TOTP_APPS = 10;
/** The name an app gets unless its owner chooses one; existing rows got it in the migration. */
export const DEFAULT_TOTP_APP_NAME = "Authenticator app";

/** The App name field's rules (lib/mfa/factor-name.ts: one line of visible text, as key names). */
export const totpAppNameSchema = factorNameSchema("Give the app a name, like “Phone” or “Work tablet”.");

const secretContext = (userId: string) => `totp-secret:${userId}`;
const enrolmentContext = (userId: string, sessionId: string) => `totp-enrolment:${userId}:${sessionId}`;

export const totpMethod: MethodImplementation<"totp"> = {
  id: "totp",
  raisesAvailableAal: true,
  isEnrolled: hasTotpCredential,
  verify: (userId, { code }, { now }) => verifyTotp(userId, code, now),
  remove(userId, credentialId, context) {
    if (!credentialId) return Promise.resolve({ ok: false, reason: "not_found" });
    const deleted = deleteTotpCredential(userId, credentialId).then((row) => (row ? { detail: { app: row.name } } : null));
    return removeCredential(userId, context, "totp.removed", deleted);
  },
  removeAll: deleteAllTotpCredentials,
};

/** A name for the next app that none of the account's apps has yet: "Authenticator app", then "… 2". */
export function defaultTotpAppName(existing: readonly string[]): string {
  if (!existing.includes(DEFAULT_TOTP_APP_NAME)) return DEFAULT_TOTP_APP_NAME;
  for (let n = existing.length + 1; ; n++) {
    const name = `${DEFAULT_TOTP_APP_NAME} ${n}`;
    if (!existing.includes(name)) return name;
  }
}

export interface TotpEnrolment {
  /** Sealed pending secret and name, bound to user and session, carried in a hidden form field. */
  sealed: string;
  name: string;
  setupKey: string;
  qrCodeDataUrl: string;
}

/** What the seal holds. `id` becomes the row's id, so one enrolment adds at most one app. */
interface PendingTotp {
  id: string;
  secret: string;
  name: string;
}

/** Step one: a fresh secret, shown once. Nothing is stored until the user proves they saved it. */
export async function beginTotpEnrolment(userId: string, sessionId: string, email: string, name: string): Promise<TotpEnrolment> {
  return describeEnrolment({ id: randomId(), secret: newTotpSecret(), name }, userId, sessionId, email);
}

async function describeEnrolment(pending: PendingTotp, userId: string, sessionId: string, email: string): Promise<TotpEnrolment> {
  const uri = totpUri(pending.secret, getConfig().APP_NAME, email);
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return {
    sealed: seal(pending, enrolmentContext(userId, sessionId), ENROLMENT_TTL_SECONDS),
    name: pending.name,
    setupKey: formatSetupKey(pending.secret),
    qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
  };
}

function openEnrolment(sealed: string, userId: string, sessionId: string): PendingTotp | null {
  const pending = unseal<PendingTotp>(sealed, enrolmentContext(userId, sessionId));
  return pending && typeof pending.secret === "string" && typeof pending.name === "string" && typeof pending.id === "string" ? pending : null;
}

/** Re-describes a pending enrolment (after a wrong code the same secret stays on screen). */
export async function resumeTotpEnrolment(sealed: string, userId: string, sessionId: string, email: string): Promise<TotpEnrolment | null> {
  const pending = openEnrolment(sealed, userId, sessionId);
  return pending ? describeEnrolment(pending, userId, sessionId, email) : null;
}

/** `duplicate`: this very enrolment was confirmed already (a double submit); the app is there. */
export type ConfirmOutcome =
  | { ok: true; name: string }
  | { ok: false; reason: "expired" | "invalid" | "too_many" | "duplicate" };

/**
 * Step two: the code proves the app holds the secret; only now is the credential written. The
 * account's other apps and its recovery codes are left as they are: a new phone joins the old one.
 */
export async function confirmTotpEnrolment(
  sealed: string,
  rawCode: string,
  userId: string,
  sessionId: string,
  now = new Date(),
): Promise<ConfirmOutcome> {
  const pending = openEnrolment(sealed, userId, sessionId);
  if (!pending) return { ok: false, reason: "expired" };
  const code = normaliseTotpCode(rawCode);
  const step = code ? matchTotpStep(pending.secret, code, now.getTime()) : null;
  if (step === null) return { ok: false, reason: "invalid" };
  const inserted = await insertTotpCredential(
    {
      id: pending.id,
      userId,
      name: pending.name,
      secretCiphertext: encrypt("totp-secret-encryption", pending.secret, secretContext(userId)),
      // The enrolment code counts as used: it can't be replayed to sign in.
      lastUsedStep: step,
      createdAt: now,
      lastUsedAt: now,
    },
    MAX_TOTP_APPS,
  );
  return inserted === "inserted" ? { ok: true, name: pending.name } : { ok: false, reason: inserted };
}

function secretOf(credential: TotpCredentialRow): string {
  const secret = decrypt("totp-secret-encryption", credential.secretCiphertext, secretContext(credential.userId));
  if (!secret) throw new Error("TOTP secret can't be decrypted: AUTH_SECRET changed without AUTH_SECRET_PREVIOUS?");
  return secret;
}

/**
 * Checks a code at sign-in against every app of the account. Each app accepts a time step at most
 * once, ever, and keeps its own record: the claim is one conditional UPDATE on that app's row, so
 * two concurrent requests with the same code of one app can't both pass, while a code of another
 * app (its own row) is unaffected. Every app's secret is tried whatever matches first, so the time
 * taken says nothing about which app a code belongs to. The log names the app (`detail.app`).
 */
export async function verifyTotp(userId: string, rawCode: string, now = new Date()): Promise<VerifyOutcome> {
  const credentials = await listTotpCredentials(userId);
  if (credentials.length === 0) return { ok: false, reason: "not_enrolled" };
  const code = normaliseTotpCode(rawCode);
  if (!code) return { ok: false, reason: "invalid" };
  const matches = credentials
    .map((credential) => ({ credential, step: matchTotpStep(secretOf(credential), code, now.getTime()) }))
    .filter((m): m is { credential: TotpCredentialRow; step: number } => m.step !== null);
  if (matches.length === 0) return { ok: false, reason: "invalid" };
  for (const { credential, step } of matches) {
    if (credential.lastUsedStep !== null && step <= credential.lastUsedStep) continue;
    if (await claimTotpStep(userId, credential.id, step, now)) return { ok: true, detail: { app: credential.name } };
  }
  return { ok: false, reason: "replayed", detail: { app: matches[0]!.credential.name } };
}

export interface TotpApp {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The account's apps for the settings list and the operator (never the secrets). */
export async function listTotpApps(userId: string): Promise<TotpApp[]> {
  return (await listTotpCredentials(userId)).map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt }));
}
