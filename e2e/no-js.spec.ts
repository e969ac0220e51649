import type { Page } from "@playwright/test";
import { expect, nextClientIp, test } from "./support/fixtures";
import { sqlGet } from "./support/db";
import { createConfirmedCodes, submitRecoveryCode } from "./support/recovery-codes";
import { enrolTotp, passTotpStep } from "./support/totp-session";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

test.use({ javaScriptEnabled: false });

const PASSWORD = "plain html forms still work";
const methods = (body: { session: { amr: Array<{ method: string }> } }) => body.session.amr.map((e) => e.method);

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

test("sign up, sign out and sign in work without JavaScript", async ({ page }) => {
  const email = uniqueEmail("nojs");
  await signUp(page, email, "plain html forms still work");
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await expect(page).toHaveURL(/\/login$/);

  // An error is shown by the server-rendered response too.
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill("wrong password here");
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /don't match/i })).toBeVisible();

  await signIn(page, email, "plain html forms still work");
  await expect(page).toHaveURL(/\/$/);
  expect((await getSession(page)).body.session.aal).toBe("aal1");
});

test("the whole second-factor journey works without JavaScript: TOTP, then a recovery code", async ({ page }) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("nojs-journey");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  const codes = await createConfirmedCodes(page);
  await signOut(page);

  // Password, then the authenticator app.
  await expect(page.getByText(/passkeys need javascript/i)).toBeVisible();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await passTotpStep(page, authenticator);
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  let session = (await getSession(page)).body;
  expect(session.session.aal).toBe("aal2");
  expect(methods(session)).toEqual(["password", "totp"]);
  await signOut(page);

  // Password, then a recovery code (the switch to it is a plain link), then the codes-left page.
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[0]);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);
  await expect(page.getByText(/9 recovery codes left/i)).toBeVisible();
  await page.getByRole("link", { name: /^continue$/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  session = (await getSession(page)).body;
  expect(session.session.aal).toBe("aal2");
  expect(methods(session)).toEqual(["password", "lookup_secret"]);

  // The same code again is refused.
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[0]);
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  expect((await getSession(page)).body.session.aal).toBe("aal1");
});

test("security keys and passkeys say they need JavaScript", async ({ page, browser }) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("nojs-keys");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const keys = page.getByRole("region", { name: "Security keys" });
  await keys.getByLabel(/^key name$/i).fill("My key");
  await keys.getByRole("button", { name: /^add security key$/i }).click();
  await expect(keys.getByRole("alert").filter({ hasText: /needs javascript/i })).toBeVisible();
  expect(await sqlGet("SELECT count(*) AS n FROM webauthn_credentials c JOIN users u ON u.id = c.user_id WHERE u.email = ?", email)).toEqual({ n: 0 });

  // A key added in a browser with JavaScript, then the second step in this one: the page says the
  // key needs JavaScript and the authenticator app still works.
  const withJs = await browser.newContext({ javaScriptEnabled: true, extraHTTPHeaders: { "x-forwarded-for": nextClientIp(5) } });
  try {
    const jsPage = await withJs.newPage();
    await signIn(jsPage, email, PASSWORD);
    await jsPage.goto("/settings/security");
    const authenticator = await enrolTotp(jsPage);
    await addVirtualAuthenticator(withJs, jsPage, "security-key");
    await addSecurityKey(jsPage, "Desk key");
    await expect(jsPage.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();

    // This browser's session now lacks the account's new second factor: it is sent to the step.
    await page.goto("/settings/security");
    await expect(page).toHaveURL(/\/login\/2fa/);
    await page.getByRole("button", { name: /cancel and sign out/i }).click();
    await expect(page).toHaveURL(/\/login$/);
    await signIn(page, email, PASSWORD);
    await expect(page).toHaveURL(/\/login\/2fa$/);
    await expect(page.getByText(/security keys need javascript/i)).toBeVisible();
    await passTotpStep(page, authenticator);
    expect((await getSession(page)).body.session.aal).toBe("aal2");
  } finally {
    await withJs.close();
  }
});
