import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { factorNameSchema } from "@/lib/mfa/factor-name";
import { KEY_NAME_MAX_LENGTH } from "@/lib/mfa/webauthn-limits";

/**
 * Shapes of what the browser sends back from a WebAuthn ceremony. Only the outline is checked
 * here (strings where strings belong, bounded sizes); @simplewebauthn/server verifies the content.
 */
const b64url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*$/);

/**
 * Informational only (nothing is decided on it): a value this version doesn't know is dropped,
 * not refused, so the outputs match @simplewebauthn/server's response types without a cast.
 */
const authenticatorAttachment = z
  .string()
  .max(32)
  .optional()
  .transform((value) => (value === "platform" || value === "cross-platform" ? value : undefined));

export const registrationResponseSchema: z.ZodType<RegistrationResponseJSON, unknown> = z.object({
  id: b64url.min(1).max(1024),
  rawId: b64url.min(1).max(1024),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(8).optional(),
  }),
  clientExtensionResults: z.looseObject({ credProps: z.looseObject({ rk: z.boolean().optional() }).optional() }),
  authenticatorAttachment,
});

export const authenticationResponseSchema: z.ZodType<AuthenticationResponseJSON, unknown> = z.object({
  id: b64url.min(1).max(1024),
  rawId: b64url.min(1).max(1024),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment,
});

export { FACTOR_NAME_CHARACTERS_MESSAGE, factorNameSchema } from "@/lib/mfa/factor-name";

/** A security key's name: one line of printable text (lib/mfa/factor-name.ts), at most 64 characters. */
export const keyNameSchema = factorNameSchema("Give the key a name, like “Blue YubiKey”.", KEY_NAME_MAX_LENGTH);
