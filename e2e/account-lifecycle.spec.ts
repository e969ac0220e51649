// The account around the factors (issue 13): changing the password on the settings page and
// deleting the account, with and without JavaScript, as a browser drives them; the privileged
// window in front of both; and the operator's `user delete`. Checked through the UI, /api/session,
// the mails in the outbox and the admin CLI; the one database write (making a session's
// authentication old) goes through makeStale below.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { runAdmin } from "./support/admin";
import { expectAccessible } from "./support/axe";
import { ageAuthentication } from "./support/db";
import { expect, nextClientIp, test } from "./support/fixtures";
import { mailsTo, waitForMail } from "./support/mail";
import { enrolTotp } from "./support/totp-session";
import { EMAIL_LABEL, PASSWORD_LABEL, attemptSignIn, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "the first password of this account";
const NEW_PASSWORD = "a second password chosen in settings";
const CHANGED_SUBJECT = /^The password of your .* account was changed$/;
const DELETED_SUBJECT = /^Your .* account was deleted$/;
const LINK_SUBJECT = /^Reset the password of your/;

test.describe.configure({ timeout: 90_000 });

/** The one write to the database: the session's last full authentication, 16 minutes ago. */
async function makeStale(sessionId: string): Promise<void> {
  await ageAuthentication(sessionId, 16 * 60);
}

/** A second browser (its own cookies and client address) signed in to the same account. */
async function otherBrowser(browser: Browser, email: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": nextClientIp(7) } });
  const page = await context.newPage();
  await signIn(page, email, password);
  expect((await getSession(page)).status).toBe(200);
  return { context, page };
}

async function requestResetLink(page: Page, email: string): Promise<string> {
  await page.goto("/forgot-password");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByRole("button", { name: /^send reset link$/i }).click();
  const mail = await waitForMail(email, LINK_SUBJECT);
  return /(http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

function passwordSection(page: Page) {
  return page.getByRole("region", { name: "Password" });
}

function deleteSection(page: Page) {
  return page.getByRole("region", { name: "Delete account" });
}

async function changePassword(page: Page, password: string): Promise<void> {
  await passwordSection(page).getByLabel(/^new password$/i).fill(password);
  await passwordSection(page).getByRole("button", { name: /^change password$/i }).click();
}

async function deleteAccount(page: Page, typed: string): Promise<void> {
  await deleteSection(page).getByLabel(/^confirm email$/i).fill(typed);
  await deleteSection(page).getByRole("button", { name: /^delete account$/i }).click();
}

/** Signed out, the old password fails and the new one signs in. */
async function expectOnlyPassword(page: Page, email: string, works: string, fails: string): Promise<void> {
  expect(await attemptSignIn(page, email, fails)).toMatch(/don't match/i);
  await signIn(page, email, works);
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  expect((await getSession(page)).status).toBe(200);
}

test.describe("password change", () => {
  test("ends the other sessions and the reset link, keeps this one, mails and logs; the new password signs in", async ({ page, browser }) => {
    const email = uniqueEmail("pw-change");
    await signUp(page, email, PASSWORD);
    const other = await otherBrowser(browser, email, PASSWORD);
    const link = await requestResetLink(other.page, email);
    const before = (await getSession(page)).body;

    await page.goto("/settings/security");
    // Refused by sign-up's policy, with the reason at the field.
    await changePassword(page, "password1");
    const field = passwordSection(page).getByLabel(/^new password$/i);
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(passwordSection(page).getByText(/one of the most commonly used/i)).toBeVisible();
    await changePassword(page, `${email} 2026`);
    await expect(passwordSection(page).getByText(/don't use your email address/i)).toBeVisible();

    await changePassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/settings\/security\?notice=password-changed$/);
    await expect(page.getByRole("status").filter({ hasText: /password changed\. every other session was signed out/i })).toBeVisible();

    // This session stays as it was (same AAL and AMR); the other one is signed out.
    const after = (await getSession(page)).body;
    expect(after.session.id).toBe(before.session.id);
    expect(after.session.aal).toBe(before.session.aal);
    expect(after.session.amr).toEqual(before.session.amr);
    expect((await getSession(other.page)).status).toBe(401);
    await other.page.goto("/settings/security");
    await expect(other.page).toHaveURL(/\/login/);

    // The reset link asked for before the change no longer works.
    await other.page.goto(link);
    await expect(other.page.getByRole("alert").filter({ hasText: /expired or was already used/i })).toBeVisible();
    await other.context.close();

    const mail = await waitForMail(email, CHANGED_SUBJECT);
    expect(mail.text).toContain("on your security settings page");
    expect(mail.text).toContain("Every other session of your account was signed out");

    await page.goto("/settings/security/log");
    await expect(page.getByText(/password changed in security settings/i).first()).toBeVisible();

    await page.getByRole("button", { name: /^sign out$/i }).first().click();
    await expectOnlyPassword(page, email, NEW_PASSWORD, PASSWORD);
  });

  test("a stale session is asked to confirm it's you first, and nothing changes until it has", async ({ page }) => {
    const email = uniqueEmail("pw-stale");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    // The page was rendered while privileged; the window closes before the form is sent.
    await makeStale((await getSession(page)).body.session.id);
    await changePassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/login\?refresh=true&return_to=%2Fsettings%2Fsecurity$/);
    await expect(page.getByRole("heading", { name: /confirm it's you/i })).toBeVisible();
    expect(mailsTo(email).filter((m) => CHANGED_SUBJECT.test(m.headers.subject ?? ""))).toEqual([]);

    await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
    await page.getByRole("button", { name: /^confirm$/i }).click();
    await expect(page).toHaveURL(/\/settings\/security$/);
    await changePassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/notice=password-changed$/);
    await page.getByRole("button", { name: /^sign out$/i }).first().click();
    await expectOnlyPassword(page, email, NEW_PASSWORD, PASSWORD);
  });
});

test.describe("delete account", () => {
  test("a wrong address deletes nothing; the right one signs every browser out, mails a last notice, and frees the address", async ({ page, browser }) => {
    const email = uniqueEmail("delete");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await enrolTotp(page);
    const other = await otherBrowser(browser, email, PASSWORD);

    await page.goto("/settings/security");
    await deleteAccount(page, "");
    await expect(deleteSection(page).getByText(/type your account's email address to confirm/i)).toBeVisible();
    await deleteAccount(page, `not-${email}`);
    await expect(deleteSection(page).getByLabel(/^confirm email$/i)).toHaveAttribute("aria-invalid", "true");
    await expect(deleteSection(page).getByText(/isn't this account's email address\. nothing was deleted/i)).toBeVisible();
    expect((await getSession(page)).status).toBe(200);

    // Typed as people type it: other case, stray spaces.
    await deleteAccount(page, ` ${email.toUpperCase()} `);
    await expect(page).toHaveURL(/\/account-deleted$/);
    await expect(page.getByRole("heading", { name: /your account was deleted/i })).toBeVisible();
    expect((await getSession(page)).status).toBe(401);
    expect((await getSession(other.page)).status).toBe(401);
    await other.context.close();
    await page.goto("/settings/security");
    await expect(page).toHaveURL(/\/login/);

    const mail = await waitForMail(email, DELETED_SUBJECT);
    expect(mail.text).toContain("from its security settings page");
    expect(await attemptSignIn(page, email, PASSWORD)).toMatch(/don't match/i);
    expect(runAdmin("user", "show", email).status).toBe(1);

    // The address is free again: a new account, with nothing of the old one.
    await signUp(page, email, "a brand new account on an old address");
    await expect(page).toHaveURL(/localhost:\d+\/$/);
    expect((await getSession(page)).body.available_aal).toBe("aal1");
  });

  test("a stale session is asked to confirm it's you first", async ({ page }) => {
    const email = uniqueEmail("delete-stale");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await makeStale((await getSession(page)).body.session.id);
    await deleteAccount(page, email);
    await expect(page).toHaveURL(/\/login\?refresh=true&return_to=%2Fsettings%2Fsecurity$/);
    expect((await getSession(page)).status).toBe(200);
    expect(runAdmin("user", "show", email).status).toBe(0);
  });

  test("user delete (operator CLI) removes the account, prints what went, and mails the owner", async ({ page }) => {
    const email = uniqueEmail("delete-cli");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await enrolTotp(page);

    const result = runAdmin("user", "delete", email);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Account ${email}`);
    expect(result.stdout).toMatch(/^\s+sessions: 1$/m);
    expect(result.stdout).toMatch(/^\s+totpCredentials: 1$/m);
    expect(result.stdout).toMatch(/^\s+securityEvents: [1-9]\d*$/m);
    // Counts only: no hash, token or key.
    expect(result.stdout).not.toMatch(/\$argon2|token=|secret/i);

    expect((await getSession(page)).status).toBe(401);
    const mail = await waitForMail(email, DELETED_SUBJECT);
    expect(mail.text).toContain("An administrator deleted your");
    expect(mail.text).toContain("Device: the administrators' tool");
    expect(await attemptSignIn(page, email, PASSWORD)).toMatch(/don't match/i);

    const again = runAdmin("user", "delete", email);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("No account with the email");
  });
});

test("both sections work from the keyboard, pass axe with their errors shown, and fit 360 px", async ({ page }) => {
  const email = uniqueEmail("account-a11y");
  await signUp(page, email, PASSWORD);
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto("/settings/security");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // Typed and sent with the keyboard alone: Enter in the field submits its form.
  await passwordSection(page).getByLabel(/^new password$/i).focus();
  await page.keyboard.type("12345678");
  await page.keyboard.press("Enter");
  await expect(passwordSection(page).getByText(/one of the most commonly used/i)).toBeVisible();
  await expectAccessible(page, "settings, new password refused");

  // The field, then Tab to its button, then Space.
  await deleteSection(page).getByLabel(/^confirm email$/i).focus();
  await page.keyboard.type("nobody@example.test");
  await page.keyboard.press("Tab");
  await expect(deleteSection(page).getByRole("button", { name: /^delete account$/i })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(deleteSection(page).getByText(/isn't this account's email address/i)).toBeVisible();
  await expectAccessible(page, "settings, deletion refused");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  await deleteSection(page).getByLabel(/^confirm email$/i).fill(email);
  await deleteSection(page).getByLabel(/^confirm email$/i).press("Enter");
  await expect(page).toHaveURL(/\/account-deleted$/);
  await expectAccessible(page, "account deleted");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the password change and the deletion are plain HTML forms", async ({ page }) => {
    const email = uniqueEmail("nojs-account");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await changePassword(page, "short");
    await expect(passwordSection(page).getByText(/use at least 8 characters/i)).toBeVisible();
    await changePassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/notice=password-changed$/);
    await expect(page.getByText(/password changed\. every other session was signed out/i)).toBeVisible();
    await waitForMail(email, CHANGED_SUBJECT);
    await page.getByRole("button", { name: /^sign out$/i }).first().click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel(EMAIL_LABEL).fill(email);
    await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
    await page.getByRole("button", { name: /^sign in$/i }).click();
    await expect(page.getByRole("alert").filter({ hasText: /don't match/i })).toBeVisible();
    await signIn(page, email, NEW_PASSWORD);
    await expect(page).toHaveURL(/localhost:\d+\/$/);

    await page.goto("/settings/security");
    await deleteAccount(page, "someone-else@example.test");
    await expect(deleteSection(page).getByText(/isn't this account's email address/i)).toBeVisible();
    expect((await getSession(page)).status).toBe(200);
    await deleteAccount(page, email);
    await expect(page).toHaveURL(/\/account-deleted$/);
    await expect(page.getByRole("heading", { name: /your account was deleted/i })).toBeVisible();
    expect((await getSession(page)).status).toBe(401);
    await waitForMail(email, DELETED_SUBJECT);
  });
});
