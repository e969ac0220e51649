// Chromium's virtual authenticators over CDP: real WebAuthn ceremonies, no hardware.
import type { BrowserContext, CDPSession, Page } from "@playwright/test";

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

/** On /settings/security: names and registers a key with whatever authenticator is attached. */
export async function addSecurityKey(page: Page, name: string): Promise<void> {
  const section = page.getByRole("region", { name: "Security keys" });
  await section.getByLabel(/^key name$/i).fill(name);
  await section.getByRole("button", { name: /^add security key$/i }).click();
}
