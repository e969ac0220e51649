// Signing in through the OpenID Connect provider (scripts/oidc-provider.mjs, a real `oidc-provider`
// on loopback, configured for every e2e server as "Example ID"): new accounts, the second factor
// after it, no automatic linking, linking and unlinking, re-authentication, and each failure.
import type { Page } from "@playwright/test";
import { ageAuthentication, securityEventTypes, sqlGet, sqlRun } from "./support/db";
import { e2eEnv } from "./support/env";
import { expect, test } from "./support/fixtures";
import { enrolTotp, passTotpStep } from "./support/totp-session";
import { getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PROVIDER = "Example ID";
const PASSWORD = "correct horse battery staple 9";

function issuer(): string {
  const value = e2eEnv().oidcIssuer;
  if (!value) throw new Error("the e2e server did not record its OIDC provider (scripts/e2e-server.mjs)");
  return value;
}

/** Sets the provider's next answer (see scripts/oidc-provider.mjs's /__test/ controls). */
async function control(path: string): Promise<void> {
  const res = await fetch(`${issuer()}/__test/${path}`, { method: "POST" });
  expect(res.status).toBe(204);
}

/**
 * On the provider's development screens: signs in as `login` (any password) and consents, unless
 * the provider remembers either. Ends back on the app.
 */
async function atProvider(page: Page, login: string, options: { consent?: boolean } = {}): Promise<void> {
  await page.waitForURL((url) => url.origin === issuer());
  const loginField = page.locator('input[name="login"]');
  const consent = page.getByRole("button", { name: "Continue" });
  await expect(loginField.or(consent)).toBeVisible();
  if (await loginField.isVisible()) {
    await loginField.fill(login);
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
  }
  await page.waitForURL((url) => url.origin !== issuer() || url.pathname.includes("/interaction/"));
  if (new URL(page.url()).origin === issuer()) {
    if (options.consent === false) {
      await page.getByRole("link", { name: "[ Cancel ]" }).click();
    } else {
      await consent.click();
    }
  }
  await page.waitForURL((url) => url.origin !== issuer());
}

async function providerSignIn(page: Page, login: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
  await atProvider(page, login);
}

function methods(session: { body: { session: { amr: { method: string }[] } } }): string[] {
  return session.body.session.amr.map((entry) => entry.method);
}

test("a first sign-in through the provider creates an account without a password, at aal1 with AMR oidc", async ({ page }) => {
  const email = uniqueEmail("oidc-new");
  await providerSignIn(page, email);
  await expect(page).toHaveURL(/\/$/);

  const session = await getSession(page);
  expect(session.status).toBe(200);
  expect(session.body.user.email).toBe(email);
  // The provider said the address is its user's: it counts as verified here.
  expect(session.body.user.email_verified).toBe(true);
  expect(methods(session)).toEqual(["oidc"]);
  expect(session.body.session.aal).toBe("aal1");
  expect(session.body.available_aal).toBe("aal1");

  const user = await sqlGet<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = ?", email);
  expect(user?.password_hash).toBe("!no-password");
  const identity = await sqlGet<{ issuer: string; subject: string; provider: string }>(
    "SELECT li.issuer, li.subject, li.provider FROM linked_identities li JOIN users u ON u.id = li.user_id WHERE u.email = ?",
    email,
  );
  expect(identity).toEqual({ issuer: issuer(), subject: email, provider: "oidc" });
  expect(await securityEventTypes(email)).toEqual(expect.arrayContaining(["account.created", "signin.succeeded"]));

  // Settings name the identity, and the password section offers to set one.
  await page.goto("/settings/security");
  const identities = page.getByRole("region", { name: "Linked identities" });
  await expect(identities.getByText(email)).toBeVisible();
  await expect(page.getByRole("region", { name: "Password" }).getByText(/no password yet/i)).toBeVisible();

  // Signing in again is the same account: identified by issuer and subject.
  await page.context().clearCookies();
  await providerSignIn(page, email);
  expect((await getSession(page)).body.user.email).toBe(email);
});

test("an account with a second factor goes on to /login/2fa after the provider and ends with [oidc, totp] at aal2", async ({ page, browser }) => {
  const email = uniqueEmail("oidc-2fa");
  await providerSignIn(page, email);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);

  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.77" } });
  const other = await context.newPage();
  await providerSignIn(other, email);
  await expect(other).toHaveURL(/\/login\/2fa/);
  const half = await getSession(other);
  expect(methods(half)).toEqual(["oidc"]);
  expect(half.body.session.aal).toBe("aal1");
  // A provider's own MFA never counts: only our second step raises the level.
  await other.goto("/settings/security");
  await expect(other).toHaveURL(/\/login\/2fa/);
  await passTotpStep(other, authenticator);

  const full = await getSession(other);
  expect(methods(full)).toEqual(["oidc", "totp"]);
  expect(full.body.session.aal).toBe("aal2");
  await context.close();
});
