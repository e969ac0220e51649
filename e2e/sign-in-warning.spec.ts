// The password forms warn before a pause, with the second step's rule and words: from three tries
// left (5 free tries, then a 30-second pause, lib/security/rate-limit.ts), then the pause with its
// countdown. The warning is read from the typed email's counter, so an email with no account sees
// exactly what an account's owner sees.
import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { ageAuthentication } from "./support/db";
import { expect, test } from "./support/fixtures";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "correct horse battery staple 42";
const INVALID = "That email and password don't match an account. Check them and try again.";

/** What the sign-in form says after each of five wrong passwords in a row. */
const EXPECTED = [
  INVALID,
  `${INVALID} 3 more tries before a 30-second pause.`,
  `${INVALID} 2 more tries before a 30-second pause.`,
  `${INVALID} 1 more try before a 30-second pause.`,
  `${INVALID} Too many sign-in attempts. Try again in 30 seconds.`,
];

/** Five wrong passwords for `email` on /login; returns the form's message after each. */
async function wrongPasswords(page: Page, email: string): Promise<string[]> {
  const texts: string[] = [];
  for (const expected of EXPECTED) {
    await page.goto("/login");
    await page.getByLabel(EMAIL_LABEL).fill(email);
    await page.getByLabel(PASSWORD_LABEL).fill("not the password at all");
    await page.getByRole("button", { name: /^sign in$/i }).click();
    const message = page.locator("[data-form-message]");
    // Waits for this answer (each differs from the one before it).
    await expect(message).toHaveText(expected);
    texts.push((await message.innerText()).trim());
  }
  return texts;
}

async function knownAccount(page: Page, prefix: string): Promise<string> {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  await page.context().clearCookies();
  return email;
}

test("wrong passwords warn before the pause, the same for an email with no account", async ({ page }) => {
  test.setTimeout(60_000);
  const known = await knownAccount(page, "warn-known");
  const knownTexts = await wrongPasswords(page, known);
  await expect(page.getByRole("button", { name: /^sign in$/i })).toBeDisabled();
  await expect(page.getByRole("timer")).toHaveText(/you can try again in 0:[0-3]\d\./i);

  const unknownTexts = await wrongPasswords(page, uniqueEmail("warn-nobody"));
  expect(unknownTexts).toEqual(knownTexts);
  await expect(page.getByRole("button", { name: /^sign in$/i })).toBeDisabled();
  await expect(page.getByRole("timer")).toBeVisible();
  await expectAccessible(page, "sign-in, paused after a warning");
});

test("without JavaScript, the warning and the pause are given in words, the same for an unknown email", async ({ browser, clientIp }) => {
  test.setTimeout(60_000);
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const page = await context.newPage();
  const known = await knownAccount(page, "warn-nojs");
  const knownTexts = await wrongPasswords(page, known);
  expect(await wrongPasswords(page, uniqueEmail("warn-nojs-nobody"))).toEqual(knownTexts);

  // The right password is refused while the pause runs.
  await page.goto("/login");
  await page.getByLabel(EMAIL_LABEL).fill(known);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.locator("[data-form-message]")).toHaveText(/^Too many sign-in attempts\. Try again in \d+ seconds\.$/);
  expect((await getSession(page)).status).not.toBe(200);
  await context.close();
});

test("re-authentication warns on the password field before its pause", async ({ page }) => {
  test.setTimeout(60_000);
  await signUp(page, uniqueEmail("warn-reauth"), PASSWORD);
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  await page.goto("/login?refresh=true&return_to=/settings/security");
  const field = page.getByLabel(PASSWORD_LABEL);
  const expected = [
    "Incorrect password.",
    "Incorrect password. 3 more tries before a 30-second pause.",
    "Incorrect password. 2 more tries before a 30-second pause.",
    "Incorrect password. 1 more try before a 30-second pause.",
    "Incorrect password. Too many sign-in attempts. Try again in 30 seconds.",
  ];
  for (const description of expected) {
    await field.fill("not it");
    await page.getByRole("button", { name: /^confirm$/i }).click();
    await expect(field).toHaveAccessibleDescription(description);
  }
  await expect(page.getByRole("button", { name: /^confirm$/i })).toBeDisabled();
  await expect(page.getByRole("timer")).toHaveText(/you can try again in 0:[0-3]\d\./i);
});
