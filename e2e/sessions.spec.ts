import { expect, test } from "./support/fixtures";
import { ageActivity, ageAuthentication, securityEventTypes } from "./support/db";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "a long and quiet river";

test("revoking a session signs the other browser out on its next request", async ({ page, browser }) => {
  const email = uniqueEmail("revoke");
  await signUp(page, email, PASSWORD);

  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.200.0.7" } });
  const otherPage = await other.newPage();
  await signIn(otherPage, email, PASSWORD);
  expect((await getSession(otherPage)).status).toBe(200);

  await page.goto("/settings/security");
  const sessions = page.getByRole("region", { name: "Sessions" });
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions.getByText("10.200.0.7")).toBeVisible();
  await sessions.getByRole("button", { name: /^revoke/i }).click();
  await expect(page.getByText(/that session was signed out/i)).toBeVisible();
  await expect(sessions.getByRole("listitem")).toHaveCount(1);

  expect((await getSession(otherPage)).status).toBe(401);
  await otherPage.goto("/");
  await expect(otherPage).toHaveURL(/\/login$/);
  expect(await securityEventTypes(email)).toContain("session.revoked");
  await other.close();
});

test("sign out other sessions keeps only this one", async ({ page, browser }) => {
  const email = uniqueEmail("others");
  await signUp(page, email, PASSWORD);
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  for (const [i, context] of contexts.entries()) {
    await context.setExtraHTTPHeaders({ "x-forwarded-for": `10.201.0.${i + 1}` });
    await signIn(await context.newPage(), email, PASSWORD);
  }
  await page.goto("/settings/security");
  await page.getByRole("button", { name: /sign out other sessions/i }).click();
  await expect(page.getByText(/all other sessions were signed out/i)).toBeVisible();
  for (const context of contexts) {
    expect((await getSession(context.request)).status).toBe(401);
    await context.close();
  }
  expect((await getSession(page)).status).toBe(200);
});

test("a stale session re-authenticates and lands back on the settings page", async ({ page, context }) => {
  const email = uniqueEmail("stale");
  await signUp(page, email, PASSWORD);
  const before = await getSession(page);
  const cookieBefore = (await context.cookies()).find((c) => c.name === "twofold.session")!.value;

  await ageAuthentication(before.body.session.id, 16 * 60);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true&return_to=%2Fsettings%2Fsecurity$/);
  await expect(page.getByRole("heading", { name: /confirm it's you/i })).toBeVisible();
  await expect(page).toHaveTitle(/^Confirm it's you/);
  // The account is named, not asked for: only the password is.
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(page.getByLabel(EMAIL_LABEL)).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^use a passkey$/i })).toBeVisible();

  await page.getByLabel(PASSWORD_LABEL).fill("not my password");
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page.getByText("Incorrect password.")).toBeVisible();

  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByRole("heading", { name: "Security settings" })).toBeVisible();

  const after = await getSession(page);
  expect(after.body.session.id).toBe(before.body.session.id);
  expect(after.body.session.amr.map((e: { method: string }) => e.method)).toEqual(["password", "password"]);
  expect(Date.parse(after.body.session.authenticated_at)).toBeGreaterThan(Date.parse(before.body.session.authenticated_at));
  // The token changed at re-authentication: the old cookie value is dead.
  const cookieAfter = (await context.cookies()).find((c) => c.name === "twofold.session")!.value;
  expect(cookieAfter).not.toBe(cookieBefore);
  const stale = await page.request.get("/api/session", { headers: { cookie: `twofold.session=${cookieBefore}` } });
  expect(stale.status()).toBe(401);
  expect(await securityEventTypes(email)).toContain("reauth.succeeded");
});

test("server actions behind the gate re-check the privileged window", async ({ page }) => {
  const email = uniqueEmail("gate");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const { body } = await getSession(page);
  // The page was rendered while privileged; the window closes before the form is submitted.
  await ageAuthentication(body.session.id, 16 * 60);
  await page.getByRole("button", { name: /set up authenticator app/i }).click();
  await expect(page).toHaveURL(/\/login\?refresh=true/);
});

test("an idle session ends", async ({ page }) => {
  const email = uniqueEmail("idle");
  await signUp(page, email, PASSWORD);
  const { body } = await getSession(page);
  await ageActivity(body.session.id, 3601);
  expect((await getSession(page)).status).toBe(401);
});
