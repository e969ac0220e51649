// Chromium's virtual authenticators over CDP: real WebAuthn ceremonies, no hardware.
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { expect } from "@playwright/test";

export interface VirtualAuthenticator {
  cdp: CDPSession;
  id: string;
}

export type AuthenticatorKind = "security-key" | "passkey";

/**
 * "security-key": a USB key without resident keys or user verification (second factor only).
 * "passkey": a platform authenticator with resident keys and user verification.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page, kind: AuthenticatorKind): Promise<VirtualAuthenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const passkey = kind === "passkey";
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: passkey ? "internal" : "usb",
      hasResidentKey: passkey,
      hasUserVerification: passkey,
      isUserVerified: passkey,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}

export async function credentialsOf(authenticator: VirtualAuthenticator) {
  const { credentials } = await authenticator.cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator.id });
  return credentials;
}

export async function removeVirtualAuthenticator(authenticator: VirtualAuthenticator): Promise<void> {
  await authenticator.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: authenticator.id });
}

/**
 * On /settings/security: names and registers a key with whatever authenticator is attached. Waits
 * for an answer (added, or a message); recovery codes offered right after a first second factor
 * are skipped unless `keepOfferedCodes` is set.
 */
export async function addSecurityKey(page: Page, name: string, options: { keepOfferedCodes?: boolean } = {}): Promise<void> {
  const section = page.getByRole("region", { name: "Security keys" });
  await section.getByLabel(/^key name$/i).fill(name);
  const add = section.getByRole("button", { name: /^add security key$/i });
  await add.click();
  // Whatever the ceremony's end: the button comes back (an answer or a redirect), or codes are offered.
  const skip = section.getByRole("button", { name: /^skip for now$/i });
  await expect(add.or(skip).first()).toBeVisible();
  const answered = section.getByRole("alert").filter({ hasText: /\S/ })
    .or(section.locator("[aria-invalid=true]"))
    .or(page.getByRole("status").filter({ hasText: /security key added/i }));
  await expect(answered.first()).toBeVisible();
  if (!options.keepOfferedCodes && (await skip.count()) > 0) {
    await skip.click();
    await expect(skip).toHaveCount(0);
  }
}
