// The home page's words fit the account and this session: "Welcome" on the first visit, "Welcome
// back" after; what it says about signing in is true for password, provider-only and passkey-only
// accounts, with and without a second step (app/home-text.ts has every combination).
import type { Page } from "@playwright/test";
import { e2eEnv } from "./support/env";
import { expect, test } from "./support/fixtures";
import { enrolTotp, passTotpStep } from "./support/totp-session";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "a home that tells the truth";
const PROVIDER = "Example ID";

const withoutAutofill = () => {
  PublicKeyCredential.isConditionalMediationAvailable = async () => false;
};

function security(page: Page) {
  return page.getByRole("region", { name: "Account security" });
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

/** The provider's development login and consent screens (scripts/oidc-provider.mjs). */
async function providerSignIn(page: Page, login: string): Promise<void> {
  const issuer = e2eEnv().oidcIssuer!;
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => url.origin !== issuer || url.pathname.includes("/interaction/"));
  if (new URL(page.url()).origin === issuer) await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => url.origin !== issuer);
}

test("a new account is welcomed, a returning one welcomed back; a password account without 2FA reads so", async ({ page }) => {
  const email = uniqueEmail("home-new");
  await signUp(page, email, PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome");
  await expect(page.getByText("You signed in with your password.")).toBeVisible();
  await expect(security(page)).toContainText("Two-step verification is off. Your password alone signs you in.");
  // Still the first visit on a reload of the same session.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome");

  await signOut(page);
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome back");
});

test("with an authenticator app: both steps named, no passkey claimed", async ({ page }) => {
  const email = uniqueEmail("home-totp");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await passTotpStep(page, authenticator);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("You signed in with your password and a code from your authenticator app.")).toBeVisible();
  await expect(security(page)).toContainText("Two-step verification is on. Signing in with your password also takes a code from your authenticator app.");
  await expect(security(page)).not.toContainText(/passkey/i);
});

test("after a passkey sign-in the page says so, and never that signing in needs the password", async ({ page, context }) => {
  const email = uniqueEmail("home-passkey");
  await page.addInitScript(withoutAutofill);
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "passkey");
  await addSecurityKey(page, "This laptop");
  await signOut(page);
  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome back");
  await expect(page.getByText("You signed in with a passkey.")).toBeVisible();
  await expect(security(page)).toContainText("Your passkey signs you in on its own: it is both steps in one.");
  // The password still works, with the key as its second step; the text says exactly that.
  await expect(security(page)).toContainText("Signing in with your password also takes a security key.");
  await expect(security(page)).not.toContainText(/needs your password|takes your password and/i);
});

test("a provider-only account never reads about a password; once passkey-only, neither", async ({ page, context }) => {
  const email = uniqueEmail("home-oidc");
  await page.addInitScript(withoutAutofill);
  await providerSignIn(page, email);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome");
  await expect(page.getByText(`You signed in with your ${PROVIDER} account.`)).toBeVisible();
  await expect(security(page)).toContainText(`Two-step verification is off. Your ${PROVIDER} account alone signs you in.`);
  await expect(page.locator("main")).not.toContainText(/password/i);

  // A passkey, then the identity unlinked: the passkey is the only way in.
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "passkey");
  await addSecurityKey(page, "This phone");
  await page.getByRole("region", { name: "Linked identities" }).getByRole("button", { name: /^unlink/i }).click();
  await expect(page.getByRole("status").filter({ hasText: /identity unlinked/i })).toBeVisible();
  await signOut(page);
  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome back");
  await expect(security(page)).toHaveText(/Two-step verification is on\. Your passkey signs you in on its own: it is both steps in one\./);
  await expect(page.locator("main")).not.toContainText(/password/i);
});
