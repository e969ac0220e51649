// Forgot password → mailed link → second factor (if any) → new password, as a browser drives it:
// one answer for every address, the token out of the URL, the shared second-factor budget, the
// factors kept, the sessions ended, single use, the way out of the password stop, no JavaScript,
// and the operator's forced reset.
import { expect, test } from "./support/fixtures";
import { runAdmin } from "./support/admin";
import { securityEventTypes, sqlGet, sqlRun } from "./support/db";
import { mailsTo } from "./support/mail";
import { createConfirmedCodes } from "./support/recovery-codes";
import { totp } from "./support/totp";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { enrolTotp, passTotpStep, type Authenticator } from "./support/totp-session";
import { EMAIL_LABEL, attemptSignIn, getSession, signIn, signUp, uniqueEmail } from "./support/users";
import type { Browser, Page } from "@playwright/test";

const PASSWORD = "first password of many words";
const NEW_PASSWORD = "second password, also of words";
const ANSWER = "If an account uses that address, we've sent a link to reset its password. It works for 30 minutes.";
const LINK_SUBJECT = /^Reset the password of your/;

test.describe.configure({ timeout: 120_000 });

const linkMails = (email: string) => mailsTo(email).filter((m) => LINK_SUBJECT.test(m.headers.subject ?? ""));

/** Asks for a link and returns it once its mail arrives (a newer one than any before). */
async function requestLink(page: Page, email: string): Promise<string> {
  const before = linkMails(email).length;
  await page.goto("/login");
  await page.getByRole("link", { name: /^forgot password\?$/i }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByRole("button", { name: /^send reset link$/i }).click();
  await expect(page.getByText(ANSWER)).toBeVisible();
  await expect.poll(() => linkMails(email).length, { message: `reset mail to ${email}` }).toBeGreaterThan(before);
  const link = /(http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(linkMails(email).at(-1)!.text)?.[1];
  expect(link).toBeTruthy();
  return link!;
}

async function setNewPassword(page: Page, password: string): Promise<void> {
  await page.getByLabel(/^new password$/i).fill(password);
  await page.getByRole("button", { name: /^set new password$/i }).click();
  await expect(page).toHaveURL(/\/login\?notice=password_reset$/);
  await expect(page.getByText(/your password was changed/i)).toBeVisible();
}

async function totpAccount(page: Page, prefix: string, withCodes = false): Promise<{ email: string; authenticator: Authenticator; codes: string[] }> {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  const codes = withCodes ? await createConfirmedCodes(page) : [];
  await page.getByRole("button", { name: /^sign out$/i }).click();
  return { email, authenticator, codes };
}

const userId = async (email: string) => (await sqlGet<{ id: string }>("SELECT id FROM users WHERE email = ?", email))!.id;
const secondFactorCount = async (email: string) =>
  (await sqlGet<{ attempts: number }>("SELECT attempts FROM rate_limits WHERE bucket = 'secondFactorAccount' AND key = ?", await userId(email)))?.attempts ?? 0;

/** A second browser signed in to the account (aal1 or aal2), to see that a reset ends it. */
async function otherSession(browser: Browser, email: string, authenticator?: Authenticator) {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.250.0.9" } });
  const page = await context.newPage();
  await signIn(page, email, PASSWORD);
  if (authenticator) await passTotpStep(page, authenticator);
  expect((await getSession(page)).status).toBe(200);
  return { context, page };
}

test("forgot password answers alike for a known and an unknown address; only the owner gets a link, which leaves the URL at once", async ({ page, browser }) => {
  const email = uniqueEmail("reset-plain");
  await signUp(page, email, PASSWORD);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  const other = await otherSession(browser, email);

  const unknown = uniqueEmail("reset-nobody");
  await page.goto("/forgot-password");
  await page.getByLabel(EMAIL_LABEL).fill(unknown);
  await page.getByRole("button", { name: /^send reset link$/i }).click();
  await expect(page.getByText(ANSWER)).toBeVisible();
  const link = await requestLink(page, email);
  expect(mailsTo(unknown)).toEqual([]);

  // The link's response: no referrer, the token moved into a cookie, 303 to the bare page.
  const hop = await page.request.get(link, { maxRedirects: 0 });
  expect(hop.status()).toBe(303);
  expect(hop.headers()["referrer-policy"]).toBe("no-referrer");
  expect(new URL(hop.headers().location!, link).pathname + new URL(hop.headers().location!, link).search).toBe("/reset-password");
  expect(hop.headers()["set-cookie"]).toMatch(/HttpOnly/i);
  expect(hop.headers()["set-cookie"]).toMatch(/SameSite=Lax/i);

  await page.goto(link);
  await expect(page).toHaveURL(/\/reset-password$/);
  expect(page.url()).not.toContain("token");
  // Bad input: a field error, not a failure.
  await page.getByLabel(/^new password$/i).fill("short");
  await page.getByRole("button", { name: /^set new password$/i }).click();
  await expect(page.getByText(/use at least 8 characters/i)).toBeVisible();
  await setNewPassword(page, NEW_PASSWORD);

  // Every session ended; the password changed mail went out; the log says so.
  expect((await getSession(other.page)).status).toBe(401);
  await other.context.close();
  await expect.poll(() => mailsTo(email).some((m) => /password of your .* was changed/i.test(m.headers.subject ?? ""))).toBe(true);
  expect(await securityEventTypes(email)).toContain("password.reset");

  // Single use: the same link now says it is dead, with a way to ask for another.
  await page.goto(link);
  await expect(page.getByText("This link has expired or was already used. Ask for a new one.")).toBeVisible();
  await expect(page.getByRole("link", { name: /ask for a new link/i })).toHaveAttribute("href", "/forgot-password");

  expect(await attemptSignIn(page, email, PASSWORD)).toMatch(/don't match/i);
  await signIn(page, email, NEW_PASSWORD);
  expect((await getSession(page)).body.session.aal).toBe("aal1");
});

test("a TOTP account passes its code first (a wrong one counts against the shared budget); the new password still asks for it", async ({ page, browser }) => {
  const { email, authenticator } = await totpAccount(page, "reset-totp");
  const other = await otherSession(browser, email, authenticator);
  const link = await requestLink(page, email);
  await page.goto(link);
  await expect(page).toHaveURL(/\/reset-password$/);
  await expect(page.getByLabel(/^new password$/i)).toHaveCount(0);

  const before = await secondFactorCount(email);
  await page.getByLabel(/authentication code/i).fill(String((Number(totp(authenticator.secret)) + 500_000) % 1_000_000).padStart(6, "0"));
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  expect(await secondFactorCount(email)).toBe(before + 1);
  await expect(page.getByLabel(/^new password$/i)).toHaveCount(0);

  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByLabel(/^new password$/i)).toBeVisible();
  expect(await secondFactorCount(email)).toBe(0);
  await setNewPassword(page, NEW_PASSWORD);
  expect((await getSession(other.page)).status).toBe(401);
  await other.context.close();

  // The factor is still there and still asked for.
  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa/);
  expect((await getSession(page)).body.session.aal).toBe("aal1");
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");
});

test("an account with a security key only passes its key first, then sets the password; the key is still asked for", async ({ page, context }) => {
  const email = uniqueEmail("reset-key");
  await signUp(page, email, PASSWORD);
  await addVirtualAuthenticator(context, page, "security-key");
  await page.goto("/settings/security");
  await addSecurityKey(page, "Desk key");
  await expect(page.getByText("Desk key", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: /^sign out$/i }).first().click();

  const link = await requestLink(page, email);
  await page.goto(link);
  await expect(page).toHaveURL(/\/reset-password$/);
  // The key comes first: no password field, no code field for an app the account doesn't have.
  await expect(page.getByLabel(/^new password$/i)).toHaveCount(0);
  await expect(page.getByLabel(/authentication code/i)).toHaveCount(0);
  await page.getByRole("button", { name: /^use a security key$/i }).click();
  await expect(page.getByLabel(/^new password$/i)).toBeVisible();
  await setNewPassword(page, NEW_PASSWORD);

  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa/);
  expect((await getSession(page)).body.session.aal).toBe("aal1");
  await page.getByRole("button", { name: /^use a security key$/i }).click();
  await page.waitForURL((url) => url.pathname !== "/login/2fa");
  expect((await getSession(page)).body.session.aal).toBe("aal2");
});

test("a recovery code passes the second step of a reset, and the reset lifts the password stop at 100", async ({ page }) => {
  const { email, authenticator, codes } = await totpAccount(page, "reset-code", true);
  const now = Date.now();
  await sqlRun(
    `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES ('signInAccount', ?, 100, ?, NULL, ?)
     ON CONFLICT (bucket, key) DO UPDATE SET attempts = 100, locked_until = NULL`,
    email,
    now - 86_400_000,
    now - 60_000,
  );
  await page.goto("/login");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(/^\s*password\s*\*?\s*$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /paused for this email/i })).toBeVisible();

  await page.goto(await requestLink(page, email));
  await page.getByRole("link", { name: /use a recovery code/i }).click();
  await page.getByLabel(/^recovery code$/i).fill(codes[0]!);
  await page.getByRole("button", { name: /^verify$/i }).click();
  await setNewPassword(page, NEW_PASSWORD);

  await signIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa/);
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a password-only account resets its password", async ({ page }) => {
    const email = uniqueEmail("reset-nojs");
    await signUp(page, email, PASSWORD);
    await page.getByRole("button", { name: /^sign out$/i }).click();
    const link = await requestLink(page, email);
    await page.goto(link);
    await expect(page).toHaveURL(/\/reset-password$/);
    await setNewPassword(page, NEW_PASSWORD);
    await signIn(page, email, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/$/);
  });
});

test("user force-password-reset ends the sessions, stops the old password and mails a link that works", async ({ page }) => {
  const email = uniqueEmail("reset-forced");
  await signUp(page, email, PASSWORD);
  const result = runAdmin("user", "force-password-reset", email);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).not.toMatch(/token=/);
  expect((await getSession(page)).status).toBe(401);
  expect(await attemptSignIn(page, email, PASSWORD)).toMatch(/don't match/i);
  expect(await securityEventTypes(email)).toContain("admin.password_reset_forced");
  await expect.poll(() => linkMails(email).length).toBe(1);
  await expect.poll(() => mailsTo(email).some((m) => /password of your .* was reset/i.test(m.headers.subject ?? ""))).toBe(true);
  const link = /(http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(linkMails(email)[0]!.text)![1]!;
  await page.goto(link);
  await setNewPassword(page, NEW_PASSWORD);
  await signIn(page, email, NEW_PASSWORD);
  expect((await getSession(page)).status).toBe(200);
});
