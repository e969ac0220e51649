import { expect, test } from "./support/fixtures";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

test.use({ javaScriptEnabled: false });

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
