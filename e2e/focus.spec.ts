// Keyboard focus: forms start in their first field, a failed submit lands on what to fix, and the
// focus ring is dark and offset (WCAG 2.2, 2.4.11: at least 3:1 against its surroundings).
import { expect, test } from "./support/fixtures";
import { EMAIL_LABEL, PASSWORD_LABEL, signUp, uniqueEmail } from "./support/users";

test("sign-in and sign-up put the cursor in their first field; a failed submit moves it to what to fix", async ({ page }) => {
  await page.goto("/signup");
  await expect(page.getByLabel(EMAIL_LABEL)).toBeFocused();

  await page.goto("/login");
  await expect(page.getByLabel(EMAIL_LABEL)).toBeFocused();
  // Nothing typed: the first invalid field gets the focus back.
  await page.getByLabel(PASSWORD_LABEL).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel(EMAIL_LABEL)).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel(EMAIL_LABEL)).toBeFocused();

  // Both fields fine but no such account: the message gets it.
  await page.getByLabel(EMAIL_LABEL).fill(uniqueEmail("nobody"));
  await page.getByLabel(PASSWORD_LABEL).fill("not a real password");
  await page.getByLabel(PASSWORD_LABEL).press("Enter");
  const message = page.locator("[data-form-message]");
  await expect(message).toHaveText(/don't match an account/);
  await expect(message).toBeFocused();
});

test("the focus ring is dark and set off from the control, on buttons, links and fields", async ({ page }) => {
  const ring = (selector: string) =>
    page.locator(selector).first().evaluate((el) => {
      const style = getComputedStyle(el);
      return { color: style.outlineColor, width: style.outlineWidth, offset: style.outlineOffset, style: style.outlineStyle };
    });
  await page.goto("/login");
  await expect(page.getByLabel(EMAIL_LABEL)).toBeFocused();
  expect(await ring("input[name=email]")).toEqual({ color: "rgb(15, 23, 42)", width: "2px", offset: "2px", style: "solid" });

  await signUp(page, uniqueEmail("ring"), "correct horse battery staple 5");
  await page.goto("/");
  // Reach each by keyboard so :focus-visible applies as it does for a keyboard user.
  await page.keyboard.press("Tab");
  for (let i = 0; i < 12; i++) {
    const tag = await page.evaluate(() => document.activeElement?.tagName);
    if (tag === "A" || tag === "BUTTON") break;
    await page.keyboard.press("Tab");
  }
  const focused = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return { color: style.outlineColor, width: style.outlineWidth, offset: style.outlineOffset, style: style.outlineStyle };
  });
  // slate-900: 17:1 against the white page.
  expect(focused).toEqual({ color: "rgb(15, 23, 42)", width: "2px", offset: "2px", style: "solid" });
});
