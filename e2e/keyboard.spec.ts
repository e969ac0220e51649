// One journey by keyboard alone (Tab, Shift+Tab, Enter, Space, and typing into fields): sign up, set
// up an authenticator app, save the recovery codes, sign out, and sign in again with a code. No
// click, no fill, no goto after the first page: every control on the way must be reachable and
// operable from the keyboard, in an order that makes sense.
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { readShownCodes } from "./support/recovery-codes";
import { Authenticator } from "./support/totp-session";
import { getSession, uniqueEmail } from "./support/users";

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus. Fails if it takes more than `limit`
 * presses, so a control the keyboard can't reach fails the test instead of being clicked.
 */
async function tabTo(page: Page, target: Locator, { backwards = false, limit = 40 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses <= limit; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`not reached with ${limit} presses of ${backwards ? "Shift+Tab" : "Tab"}: ${target}`);
}

test("sign up, add an authenticator app, save the codes, sign out and sign in with a code, by keyboard only", async ({ page }) => {
  const email = uniqueEmail("keyboard");
  const password = "keyboard only journey 42";

  await page.goto("/signup");
  // The cursor starts in Email; Tab leads to Password, and Shift+Tab back.
  await expect(page.getByLabel(/^email/i)).toBeFocused();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel(/^password/i)).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByLabel(/^email/i)).toBeFocused();
  await tabTo(page, page.getByLabel(/^password/i));
  await page.keyboard.type(password);
  await tabTo(page, page.getByRole("button", { name: /^create account$/i }));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === "/");

  await tabTo(page, page.getByRole("main").getByRole("link", { name: /^security settings$/i }));
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/settings\/security$/);

  const apps = page.getByRole("region", { name: "Authenticator apps" });
  await tabTo(page, apps.getByRole("button", { name: /^set up (another )?authenticator app$/i }));
  await page.keyboard.press("Space");
  const key = (await page.getByLabel(/setup key/i).innerText()).replace(/\s+/g, "");
  const authenticator = new Authenticator(key);
  await tabTo(page, page.getByLabel(/authentication code/i));
  await page.keyboard.type(await authenticator.freshCode());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: /authenticator app added/i })).toBeVisible();

  // The first second factor brings a fresh set of recovery codes to save.
  const codes = await readShownCodes(page);
  await tabTo(page, page.getByRole("checkbox", { name: /^i have saved these codes$/i }));
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: /^i have saved these codes$/i })).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: /^confirm$/i }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();

  // Sign out sits in the header, above: reached backwards.
  await tabTo(page, page.getByRole("button", { name: /^sign out$/i }), { backwards: true, limit: 80 });
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/login/);

  await expect(page.getByLabel(/^email/i)).toBeFocused();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/login\/2fa/);

  await tabTo(page, page.getByRole("link", { name: /recovery code/i }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel(/^recovery code$/i));
  await page.keyboard.type(codes[0]!);
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname !== "/login/2fa");

  const session = await getSession(page);
  expect(session.status).toBe(200);
  expect(session.body.session.aal).toBe("aal2");
  expect(session.body.session.amr.map((entry: { method: string }) => entry.method)).toEqual(["password", "lookup_secret"]);
});
