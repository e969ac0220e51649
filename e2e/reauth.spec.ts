// Confirming it's you (/login?refresh=true): the signed-in account is named, only its own budget is
// spent, and Cancel at either step leaves the user where they were, still signed in.
import { ageAuthentication, sqlRun } from "./support/db";
import { expect, test } from "./support/fixtures";
import { noJsFormFields } from "./support/recovery-codes";
import { enrolTotp } from "./support/totp-session";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "correct horse battery staple 4";

/** The address as if 40 other people behind it had just failed to sign in: paused for 15 minutes. */
async function pauseAddress(ip: string): Promise<void> {
  const now = Date.now();
  await sqlRun(
    `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES ('signInIp', ?, 40, ?, ?, ?)
     ON CONFLICT (bucket, key) DO UPDATE SET attempts = excluded.attempts, locked_until = excluded.locked_until`,
    ip,
    now,
    now + 15 * 60_000,
    now,
  );
}

test("a signed-in user confirms it's them even while their shared address is paused for sign-ins", async ({ page, browser, clientIp }) => {
  const email = uniqueEmail("reauth-shared");
  await signUp(page, email, PASSWORD);
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  await pauseAddress(clientIp);

  // Someone else on the same address can't sign in right now…
  const neighbour = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const other = await neighbour.newPage();
  await other.goto("/login");
  await other.getByLabel(EMAIL_LABEL).fill(uniqueEmail("neighbour"));
  await other.getByLabel(PASSWORD_LABEL).fill("whatever they typed");
  await other.getByRole("button", { name: /^sign in$/i }).click();
  await expect(other.getByRole("alert").filter({ hasText: /too many sign-in attempts/i })).toBeVisible();
  await neighbour.close();

  // …but the signed-in user's confirmation spends their account's budget only.
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
});

test("Cancel at the second step of a re-authentication keeps the user signed in", async ({ page }) => {
  const email = uniqueEmail("reauth-cancel");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);

  await page.goto("/settings/security/log");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/login\/2fa/);
  await expect(page.getByText(`Confirming it's you: ${email}.`)).toBeVisible();
  await expect(page.getByRole("button", { name: /^sign out$/i })).toBeVisible();

  await page.getByRole("link", { name: /^cancel$/i }).click();
  await expect(page).toHaveURL(/\/$/);
  const after = await getSession(page);
  expect(after.status).toBe(200);
  expect(after.body.session.aal).toBe("aal2");
});

test("re-authentication works without JavaScript and names a wrong password", async ({ browser, clientIp }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const page = await context.newPage();
  const email = uniqueEmail("reauth-nojs");
  await signUp(page, email, PASSWORD);
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);

  await page.goto("/login?refresh=true&return_to=/settings/security");
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await page.getByLabel(PASSWORD_LABEL).fill("not it");
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page.getByText("Incorrect password.")).toBeVisible();
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);

  // The form posts no email at all: a typed one could not redirect the confirmation to another account.
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  expect(Object.keys(await noJsFormFields(page.request, "/login?refresh=true", 'name="password"'))).not.toContain("email");
  await context.close();
});
