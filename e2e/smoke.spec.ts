import { expect, test } from "./support/fixtures";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession } from "./support/users";

test("login page renders the first-factor form", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByLabel(EMAIL_LABEL)).toBeVisible();
  await expect(page.getByLabel(PASSWORD_LABEL)).toBeVisible();
  await expect(page.getByRole("button", { name: /^sign in$/i })).toBeVisible();
});

test("signup page renders the create-account form", async ({ page }) => {
  await page.goto("/signup");
  await expect(page.getByLabel(EMAIL_LABEL)).toBeVisible();
  await expect(page.getByLabel(PASSWORD_LABEL)).toBeVisible();
  await expect(page.getByRole("button", { name: /^create account$/i })).toBeVisible();
});

test("GET /api/session without a cookie is 401 with a JSON error", async ({ request }) => {
  const { status, body } = await getSession(request);
  expect(status).toBe(401);
  expect(body).toMatchObject({ error: expect.any(String) });
});
