// Accessibility (issue 7, item 5): axe-core over every page in every state a user can meet it in
// (empty, errors shown, throttled, codes shown, keys listed), WCAG 2.1 A/AA plus axe's best
// practices. Any violation fails the test with axe's own description of what and where.
import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { expect, test } from "./support/fixtures";
import { generateCodes, createConfirmedCodes, submitRecoveryCode } from "./support/recovery-codes";
import { enrolTotp, passTotpStep } from "./support/totp-session";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { EMAIL_LABEL, PASSWORD_LABEL, attemptSignIn, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "every state is checked";

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

test("sign-in and sign-up pages: empty, with errors, throttled", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/login");
  await expectAccessible(page, "sign-in, empty");

  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByText(/enter your email|enter a valid email/i).first()).toBeVisible();
  await expectAccessible(page, "sign-in, field errors");

  const email = uniqueEmail("a11y-throttle");
  const attempt = (password: string) => attemptSignIn(page, email, password);
  expect(await attempt("not the password")).toMatch(/don't match/i);
  await expectAccessible(page, "sign-in, wrong password");
  // The per-account budget is 5 attempts (lib/security/rate-limit.ts); the 6th is throttled.
  for (let i = 0; i < 4; i++) expect(await attempt(`wrong password ${i}`)).toMatch(/don't match/i);
  expect(await attempt("wrong again")).toMatch(/too many sign-in attempts/i);
  await expectAccessible(page, "sign-in, throttled");

  await page.goto("/signup");
  await expectAccessible(page, "sign-up, empty");
  await page.getByRole("button", { name: /^create account$/i }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "sign-up, empty fields");
  await page.getByLabel(EMAIL_LABEL).fill("not an email");
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^create account$/i }).click();
  await expect(page.getByLabel(EMAIL_LABEL)).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "sign-up, invalid email");
  await page.goto("/signup");
  await page.getByLabel(EMAIL_LABEL).fill(uniqueEmail("a11y-weak"));
  await page.getByLabel(PASSWORD_LABEL).fill("password");
  await page.getByRole("button", { name: /^create account$/i }).click();
  await expect(page.getByLabel(PASSWORD_LABEL)).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "sign-up, common password");
});

test("home, settings (QR code, codes shown, keys listed), security log, re-authentication", async ({ page, context }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("a11y-settings");
  await signUp(page, email, PASSWORD);
  await expectAccessible(page, "home, no second factor");

  await page.goto("/settings/security");
  await expectAccessible(page, "settings, nothing set up");
  await page.getByRole("button", { name: /set up authenticator app/i }).click();
  await expect(page.getByRole("img", { name: /qr code/i })).toBeVisible();
  await expectAccessible(page, "settings, authenticator QR code shown");
  await page.getByLabel(/authentication code/i).fill("000000");
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByText(/that code isn't right/i)).toBeVisible();
  await expectAccessible(page, "settings, wrong enrolment code");
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await expectAccessible(page, "settings, authenticator added, codes offered");

  await generateCodes(page);
  await expectAccessible(page, "settings, recovery codes shown");
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page.getByText(/tick the box/i)).toBeVisible();
  await expectAccessible(page, "settings, recovery codes shown, confirm refused");
  await page.getByRole("button", { name: /^cancel$/i }).click();

  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Desk key");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  await page.getByRole("region", { name: "Security keys" }).getByText("Rename").click();
  await expectAccessible(page, "settings, key listed, rename open");
  await addSecurityKey(page, "");
  await expect(page.getByRole("region", { name: "Security keys" }).locator("[aria-invalid=true]")).toBeVisible();
  await expectAccessible(page, "settings, key name missing");

  await page.goto("/settings/security/log");
  await expect(page.getByRole("heading", { name: /security log/i })).toBeVisible();
  await expectAccessible(page, "security log");

  await page.goto("/");
  await expectAccessible(page, "home, two-step verification on");
  await page.goto("/login?refresh=true&return_to=/settings/security");
  await expect(page.getByRole("heading", { name: /confirm it's you/i })).toBeVisible();
  await expectAccessible(page, "re-authentication");
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/login\/2fa/);
  await passTotpStep(page, authenticator);
  await expect(page).toHaveURL(/\/settings\/security$/);
});

test("second step: code, wrong code, throttled, security key, recovery code, codes left", async ({ page, context }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("a11y-2fa");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await createConfirmedCodes(page);
  await signOut(page);

  await signIn(page, email, PASSWORD);
  await expectAccessible(page, "second step, authenticator app");
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.locator("[aria-invalid=true]")).toBeVisible();
  await expectAccessible(page, "second step, code missing");
  await page.goto("/login/2fa");
  await page.getByLabel(/authentication code/i).fill("000000");
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  await expectAccessible(page, "second step, wrong code");

  await page.getByRole("link", { name: /use a recovery code/i }).click();
  await expect(page.getByLabel(/^recovery code$/i)).toBeVisible();
  await expectAccessible(page, "second step, recovery code");
  const wrongCode = async () => {
    await page.goto("/login/2fa?method=lookup_secret");
    await submitRecoveryCode(page, "aaaa-bbbb-cccc-dddd");
    // Filtered: Next.js' route announcer is an alert region too.
    const alert = page.getByRole("alert").filter({ hasText: /isn't valid|isn't right|too many/i });
    await expect(alert).toBeVisible();
    return alert.innerText();
  };
  expect(await wrongCode()).toMatch(/isn't valid.*3 more tries before a 1-minute pause/i);
  await expectAccessible(page, "second step, wrong recovery code");
  // Shared second-factor budget: 5 per account; the wrong TOTP code above was the first. The
  // third-last warns; the fifth starts the pause and says so (Verify then waits, counting down).
  expect(await wrongCode()).toMatch(/2 more tries before a 1-minute pause/i);
  expect(await wrongCode()).toMatch(/1 more try before a 1-minute pause/i);
  await expectAccessible(page, "second step, warned before a pause");
  expect(await wrongCode()).toMatch(/too many/i);
  await expect(page.getByRole("timer")).toBeVisible();
  await expectAccessible(page, "second step, throttled");

  // A fresh account for the rest: this one is throttled for a while.
  const second = uniqueEmail("a11y-2fa-key");
  await signOutFromSecondStep(page);
  await signUp(page, second, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Pocket key");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  const secondCodes = await createConfirmedCodes(page);
  await signOut(page);
  await signIn(page, second, PASSWORD);
  await expect(page.getByRole("button", { name: /^use a security key$/i })).toBeVisible();
  await expectAccessible(page, "second step, security key and authenticator app");

  await submitRecoveryCode(page, secondCodes[0]);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);
  await expectAccessible(page, "recovery code used, 9 left");
});

async function signOutFromSecondStep(page: Page): Promise<void> {
  await page.getByRole("button", { name: /cancel and sign out/i }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test("recovery code used: few left and none left offer a new set", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("a11y-low");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  const codes = await createConfirmedCodes(page);
  await signOut(page);

  // Sign in with each code in turn; the page after the 8th (2 left) and the 10th (none) are the states.
  for (let i = 0; i < codes.length; i++) {
    await signIn(page, email, PASSWORD);
    await submitRecoveryCode(page, codes[i]);
    await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);
    if (i === 7) await expectAccessible(page, "recovery code used, 2 left, new set offered");
    if (i === 9) {
      await expectAccessible(page, "recovery code used, none left");
      await page.getByRole("button", { name: /generate/i }).click();
      await expect(page.getByRole("list", { name: "Recovery codes" })).toBeVisible();
      await expectAccessible(page, "recovery code used, new set shown");
    }
    if (i < 9) {
      await page.goto("/");
      await signOut(page);
    }
  }
});

test("sessions: listed with their devices, and both confirmations", async ({ page, browser }) => {
  const email = uniqueEmail("a11y-sessions");
  await signUp(page, email, PASSWORD);
  const others = await Promise.all([browser.newContext(), browser.newContext()]);
  for (const [i, other] of others.entries()) {
    await other.setExtraHTTPHeaders({ "x-forwarded-for": `10.204.0.${i + 1}` });
    await signIn(await other.newPage(), email, PASSWORD);
  }
  await page.goto("/");
  await expectAccessible(page, "home, returning");
  await page.goto("/settings/security");
  const sessions = page.getByRole("region", { name: "Sessions" });
  await expect(sessions.getByRole("listitem")).toHaveCount(3);
  await expectAccessible(page, "settings, three sessions");
  await sessions.getByRole("button", { name: /^revoke/i }).first().click();
  await expect(page.getByRole("heading", { name: "Sign out this session?" })).toBeVisible();
  await expectAccessible(page, "sessions, revoke confirmation");
  await page.goto("/settings/security/sessions?sign_out=others");
  await expect(page.getByRole("heading", { name: "Sign out all other sessions?" })).toBeVisible();
  await expectAccessible(page, "sessions, sign out others confirmation");
  for (const other of others) await other.close();
});
