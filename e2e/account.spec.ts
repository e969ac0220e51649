import { expect, test } from "./support/fixtures";
import { securityEventTypes } from "./support/db";
import { EMAIL_LABEL, PASSWORD_LABEL, attemptSignIn, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "correct horse battery staple";
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test("sign up, sign out, sign in: sessions carry AMR and AAL", async ({ page, context }) => {
  const email = uniqueEmail("account");
  await signUp(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText(email).first()).toBeVisible();

  const first = await getSession(page);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({
    user: { id: expect.any(String), email },
    session: { id: expect.any(String), aal: "aal1", amr: [{ method: "password", completed_at: expect.stringMatching(ISO) }] },
    available_aal: "aal1",
  });
  for (const field of ["authenticated_at", "expires_at", "privileged_until"]) {
    expect(first.body.session[field]).toMatch(ISO);
  }
  expect(Date.parse(first.body.session.privileged_until) - Date.parse(first.body.session.authenticated_at)).toBe(900_000);

  // The cookie is an opaque server-side token, not a readable JWT.
  const cookie = (await context.cookies()).find((c) => c.name === "twofold.session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

  await page.getByRole("button", { name: /^sign out$/i }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect((await getSession(page)).status).toBe(401);
  // The old cookie value no longer works either: the row is gone, not just the cookie.
  await context.addCookies([{ ...cookie!, expires: -1 }]);
  expect((await getSession(page)).status).toBe(401);

  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  const second = await getSession(page);
  expect(second.body.session.id).not.toBe(first.body.session.id);
  expect(await securityEventTypes(email)).toEqual(["account.created", "signin.succeeded", "session.signed_out", "signin.succeeded"]);
});

test("signed-out visitors are sent to /login", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?return_to=%2Fsettings%2Fsecurity$/);
});

test("wrong password and unknown email get the same message; the email is kept", async ({ page }) => {
  const email = uniqueEmail("wrong");
  await signUp(page, email, PASSWORD);
  await page.getByRole("button", { name: /^sign out$/i }).click();

  const messages: string[] = [];
  for (const [who, password] of [[email, "not the password"], [uniqueEmail("nobody"), PASSWORD]] as const) {
    await page.goto("/login");
    await page.getByLabel(EMAIL_LABEL).fill(who);
    await page.getByLabel(PASSWORD_LABEL).fill(password);
    await page.getByRole("button", { name: /^sign in$/i }).click();
    const alert = page.getByRole("alert").filter({ hasText: /don't match/i });
    await expect(alert).toBeVisible();
    messages.push(await alert.innerText());
    await expect(page.getByLabel(EMAIL_LABEL)).toHaveValue(who);
    await expect(page.getByLabel(PASSWORD_LABEL)).toHaveValue("");
  }
  expect(messages[0]).toBe(messages[1]);
  expect(await securityEventTypes(email)).toContain("signin.failed");
});

test("sign-up explains what is wrong with the input", async ({ page }) => {
  const email = uniqueEmail("rules");
  const attempt = async (address: string, password: string) => {
    await page.goto("/signup");
    await page.getByLabel(EMAIL_LABEL).fill(address);
    await page.getByLabel(PASSWORD_LABEL).fill(password);
    await page.getByRole("button", { name: /^create account$/i }).click();
  };

  await attempt("not-an-email", PASSWORD);
  await expect(page.getByText(/enter a valid email address/i)).toBeVisible();
  await expect(page.getByLabel(EMAIL_LABEL)).toHaveAttribute("aria-invalid", "true");

  await attempt(email, "short");
  await expect(page.getByText(/at least 8 characters/i).last()).toBeVisible();

  await attempt(email, "password123");
  await expect(page.getByText(/most commonly used/i)).toBeVisible();

  // Emails are trimmed and lower-cased: the same person can't make two accounts.
  await signUp(page, email, PASSWORD);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await attempt(`  ${email.toUpperCase()} `, PASSWORD);
  await expect(page.getByText(/already exists/i)).toBeVisible();
});

test("repeated wrong passwords throttle the account, even for the right password", async ({ page }) => {
  const email = uniqueEmail("throttle");
  await signUp(page, email, PASSWORD);
  await page.getByRole("button", { name: /^sign out$/i }).click();

  const attempt = (password: string) => attemptSignIn(page, email, password);
  for (let i = 0; i < 5; i++) expect(await attempt(`wrong password ${i}`)).toMatch(/don't match/i);
  expect(await attempt(PASSWORD)).toMatch(/too many sign-in attempts\. try again in \d+ seconds/i);
  expect(await securityEventTypes(email)).toContain("signin.throttled");
  expect((await getSession(page)).status).toBe(401);
});

test("return_to only leads to same-origin paths", async ({ page }) => {
  const email = uniqueEmail("return");
  await signUp(page, email, PASSWORD);
  await page.getByRole("button", { name: /^sign out$/i }).click();

  await page.goto("/login?return_to=https://evil.example/steal");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  await expect(page).toHaveURL(/localhost:\d+\/$/);

  await page.getByRole("button", { name: /^sign out$/i }).click();
  await page.goto("/login?return_to=%2Fsettings%2Fsecurity");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
});
