import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { sqlGet } from "./support/db";
import { Authenticator } from "./support/totp-session";
import { signUp, uniqueEmail } from "./support/users";

const PASSWORD = "settings pages read well";

async function startTotpSetup(page: Page): Promise<string> {
  await page.goto("/settings/security");
  await page.getByRole("region", { name: "Authenticator apps" }).getByRole("button", { name: /^set up authenticator app$/i }).click();
  await expect(page.getByRole("img", { name: /qr code/i })).toBeVisible();
  return (await page.getByLabel(/^setup key$/i).innerText()).trim();
}

const appCount = async (email: string) =>
  Number((await sqlGet<{ n: number }>("SELECT COUNT(*) AS n FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = ?", email))?.n);

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("authenticator setup: a wrong code stays beside the error, and Cancel ends the setup", async ({ page }) => {
      const email = uniqueEmail(javaScriptEnabled ? "totp-cancel" : "totp-cancel-nojs");
      await signUp(page, email, PASSWORD);
      await startTotpSetup(page);

      await page.getByLabel(/authentication code/i).fill("000001");
      await page.getByRole("button", { name: /^verify$/i }).click();
      await expect(page.getByText(/that code isn't right/i)).toBeVisible();
      await expect(page.getByLabel(/authentication code/i)).toHaveValue("000001");
      if (javaScriptEnabled) {
        // Selected, so the next code typed replaces it.
        expect(await page.getByLabel(/authentication code/i).evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd])).toEqual([0, 6]);
      }

      await page.getByRole("button", { name: /^cancel$/i }).click();
      await expect(page.getByText(/setup cancelled/i)).toBeVisible();
      await expect(page.getByRole("img", { name: /qr code/i })).toHaveCount(0);
      await expect(page.getByRole("button", { name: /^set up authenticator app$/i })).toBeVisible();
      expect(await appCount(email)).toBe(0);
    });
  });
}

test("the setup key's Copy (named Copy key, apart from the Setup key label) puts the key on the clipboard and says so", async ({ page, context, baseURL }) => {
  const email = uniqueEmail("totp-copy");
  await signUp(page, email, PASSWORD);
  const key = await startTotpSetup(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const copy = page.getByRole("button", { name: "Copy key" });
  await copy.click();
  await expect(page.getByRole("status").filter({ hasText: /^copied$/i })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.replace(/\s+/g, ""));
  // The key copied is the one the app is then set up with.
  await page.getByLabel(/authentication code/i).fill(await new Authenticator(key.replace(/\s+/g, "")).freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("status").filter({ hasText: /authenticator app added/i })).toBeVisible();
});
