// Signing in through the OpenID Connect provider (scripts/oidc-provider.mjs, a real `oidc-provider`
// on loopback, configured for every e2e server as "Example ID"): new accounts, the second factor
// after it, no automatic linking, linking and unlinking, re-authentication, and each failure.
import type { Page } from "@playwright/test";
import { ageAuthentication, securityEventTypes, sqlGet } from "./support/db";
import { e2eEnv } from "./support/env";
import { expect, test } from "./support/fixtures";
import { enrolTotp, passTotpStep } from "./support/totp-session";
import { waitForMail } from "./support/mail";
import { getSession, signUp, uniqueEmail } from "./support/users";

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
 * On the provider's development screens: signs in as `login` (any password) and consents (or
 * cancels), unless the provider remembers the consent. Ends back on the app. The login screen
 * must be there: a provider session left from an earlier flow would sign in someone else.
 */
async function atProvider(page: Page, login: string, options: { consent?: boolean } = {}): Promise<void> {
  await page.waitForURL((url) => url.origin === issuer());
  const loginField = page.locator('input[name="login"]');
  const consent = page.getByRole("button", { name: "Continue" });
  await expect(loginField).toBeVisible();
  await loginField.fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
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
  // The provider claims its own MFA in this ID token (amr, acr): it must change nothing.
  await control("tamper?claim=mfa");
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

function alertSaying(page: Page, text: RegExp) {
  return page.getByRole("alert").filter({ hasText: text });
}

function noticeSaying(page: Page, text: RegExp) {
  return page.getByRole("status").filter({ hasText: text });
}

async function identityCount(email: string): Promise<number> {
  const row = await sqlGet<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM linked_identities li JOIN users u ON u.id = li.user_id WHERE u.email = ?",
    email,
  );
  return Number(row?.n ?? 0);
}

test("an identity whose address has an account is never linked automatically; linked from settings after a full sign-in, then unlinked", async ({ page, browser }) => {
  const email = uniqueEmail("oidc-existing");
  await signUp(page, email, PASSWORD);

  // Someone who holds (or registered) this address at the provider signs in with it: refused.
  const strangerContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.78" } });
  const stranger = await strangerContext.newPage();
  await providerSignIn(stranger, email);
  await expect(stranger).toHaveURL(/\/login\?error=oidc_link_required/);
  await expect(alertSaying(stranger, /never linked to it automatically/i)).toBeVisible();
  expect((await getSession(stranger)).status).toBe(401);
  expect(await identityCount(email)).toBe(0);
  await strangerContext.close();
  await expect.poll(() => securityEventTypes(email)).toContain("oidc.link_refused");

  // The owner, signed in with the password, links it from settings.
  await page.goto("/settings/security");
  await page.getByRole("region", { name: "Linked identities" }).getByRole("button", { name: `Link ${PROVIDER}` }).click();
  await atProvider(page, email);
  await expect(page).toHaveURL(/\/settings\/security\?notice=identity-linked/);
  await expect(noticeSaying(page, /identity linked/i)).toBeVisible();
  await expect(page.getByRole("region", { name: "Linked identities" }).getByText(email)).toBeVisible();
  await waitForMail(email, /single sign-on identity was linked/i);

  // Now the identity signs in to this account.
  const laterContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.79" } });
  const later = await laterContext.newPage();
  await providerSignIn(later, email);
  await expect(later).toHaveURL(/\/$/);
  const session = await getSession(later);
  expect(session.body.user.email).toBe(email);
  expect(methods(session)).toEqual(["oidc"]);
  await laterContext.close();

  // Unlinked: the account still has its password, so it may go.
  await page.goto("/settings/security");
  await page.getByRole("region", { name: "Linked identities" }).getByRole("button", { name: /^unlink/i }).click();
  await expect(noticeSaying(page, /identity unlinked/i)).toBeVisible();
  expect(await identityCount(email)).toBe(0);
  await waitForMail(email, /single sign-on identity was unlinked/i);
  expect(await securityEventTypes(email)).toEqual(expect.arrayContaining(["oidc.linked", "oidc.unlinked"]));
});

test("the last way to sign in can't be unlinked, and an identity of another account can't be linked", async ({ page, browser }) => {
  const owner = uniqueEmail("oidc-only");
  await providerSignIn(page, owner);
  await page.goto("/settings/security");
  await page.getByRole("region", { name: "Linked identities" }).getByRole("button", { name: /^unlink/i }).click();
  await expect(noticeSaying(page, /only way to sign in/i)).toBeVisible();
  expect(await identityCount(owner)).toBe(1);

  // Another account tries to link the owner's identity.
  const otherContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.80" } });
  const other = await otherContext.newPage();
  const otherEmail = uniqueEmail("oidc-other");
  await signUp(other, otherEmail, PASSWORD);
  await other.goto("/settings/security");
  await other.getByRole("button", { name: `Link ${PROVIDER}` }).click();
  await atProvider(other, owner);
  await expect(noticeSaying(other, /linked to another account/i)).toBeVisible();
  expect(await identityCount(otherEmail)).toBe(0);
  expect(await identityCount(owner)).toBe(1);
  await otherContext.close();
});

test("an account without a password re-authenticates through the provider (signing in again there), then its second factor", async ({ page }) => {
  const email = uniqueEmail("oidc-reauth");
  await providerSignIn(page, email);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);

  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  // No password to ask for: the provider is the first factor here.
  await expect(page.getByLabel(/^\s*password/i)).toHaveCount(0);
  await page.getByRole("button", { name: `Continue with ${PROVIDER}` }).click();
  // max_age=0 / prompt=login: the provider asks the user to sign in again, though it has a session.
  await page.waitForURL((url) => url.origin === issuer());
  await expect(page.locator('input[name="login"]')).toBeVisible();
  await atProvider(page, email);
  await passTotpStep(page, authenticator);
  await expect(page).toHaveURL(/\/settings\/security/);
  const session = await getSession(page);
  expect(methods(session).slice(-2)).toEqual(["oidc", "totp"]);
  expect(new Date(session.body.session.privileged_until).getTime()).toBeGreaterThan(Date.now());
  expect(await securityEventTypes(email)).toContain("reauth.succeeded");
});

test("each failure of the provider round trip has its own clear message, never a 500", async ({ page, browser }) => {
  // The user denies consent.
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
  await atProvider(page, uniqueEmail("oidc-deny"), { consent: false });
  await expect(page).toHaveURL(/\/login\?error=oidc_denied/);
  await expect(alertSaying(page, /didn't allow Example ID/i)).toBeVisible();

  // Each case below signs in at the provider afresh (its session of the last one dropped).
  // The provider has not verified the address.
  await page.context().clearCookies();
  await providerSignIn(page, uniqueEmail("unverified+oidc"));
  await expect(alertSaying(page, /has not verified your email address/i)).toBeVisible();
  expect((await getSession(page)).status).toBe(401);

  // An expired ID token, then one from another issuer (each re-signed with the provider's key).
  await control("tamper?claim=exp");
  await page.context().clearCookies();
  await providerSignIn(page, uniqueEmail("oidc-expired"));
  await expect(page).toHaveURL(/error=oidc_expired/);
  await expect(alertSaying(page, /had expired/i)).toBeVisible();
  await control("tamper?claim=iss");
  await page.context().clearCookies();
  await providerSignIn(page, uniqueEmail("oidc-issuer"));
  await expect(page).toHaveURL(/error=oidc_issuer/);
  await expect(alertSaying(page, /did not come from Example ID/i)).toBeVisible();
  expect((await getSession(page)).status).toBe(401);

  // A wrong state: a flow started in one browser and finished in another (no state cookie there).
  await page.context().clearCookies();
  await page.goto("/login");
  const authorizationRequest = page.waitForRequest((request) => request.url().startsWith(`${issuer()}/auth?`));
  await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
  const authorizationUrl = (await authorizationRequest).url();
  const elsewhere = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.81" } });
  const other = await elsewhere.newPage();
  await other.goto(authorizationUrl);
  await atProvider(other, uniqueEmail("oidc-state"));
  await expect(other).toHaveURL(/error=oidc_state/);
  await expect(alertSaying(other, /could not be checked/i)).toBeVisible();
  expect((await getSession(other)).status).toBe(401);
  await elsewhere.close();

  // The provider is down.
  await control("down?on=1");
  try {
    await page.goto("/login");
    await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
    await expect(page).toHaveURL(/error=oidc_unavailable/);
    await expect(alertSaying(page, /can't be reached right now/i)).toBeVisible();
  } finally {
    await control("down?on=0");
  }
});

test("a failed link is logged against the signed-in account", async ({ page }) => {
  const email = uniqueEmail("oidc-link-denied");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await page.getByRole("button", { name: `Link ${PROVIDER}` }).click();
  await atProvider(page, email, { consent: false });
  await expect(noticeSaying(page, /didn't allow the provider/i)).toBeVisible();
  expect(await identityCount(email)).toBe(0);
  expect(await securityEventTypes(email)).toContain("oidc.failed");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("signing in through the provider and its second step work with plain forms", async ({ page }) => {
    const email = uniqueEmail("oidc-nojs");
    await providerSignIn(page, email);
    await expect(page).toHaveURL(/\/$/);
    expect(methods(await getSession(page))).toEqual(["oidc"]);

    await page.context().clearCookies();
    await page.goto("/login");
    await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
    await atProvider(page, uniqueEmail("oidc-nojs-deny"), { consent: false });
    await expect(alertSaying(page, /didn't allow Example ID/i)).toBeVisible();
  });
});
