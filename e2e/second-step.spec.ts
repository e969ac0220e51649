// The second step (/login/2fa, issue 19): one primary action at a time (the method used last, or
// the account's first), the others as links that work without JavaScript; the recovery code input
// alone is monospace; after a recovery code, reviewing the settings comes first; a re-authentication
// spends the account's budget only; a pause is announced before it comes, covers every method, and
// counts down with JavaScript (in words without).
import type { BrowserContext, Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { ageAuthentication, sqlGet, sqlRun } from "./support/db";
import { expect, test } from "./support/fixtures";
import { createConfirmedCodes, submitRecoveryCode } from "./support/recovery-codes";
import { type Authenticator, enrolTotp, passTotpStep } from "./support/totp-session";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "one thing at a time please";

const otherWays = (page: Page) => page.getByRole("navigation", { name: /other ways to verify/i });

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

async function otherWayNames(page: Page): Promise<string[]> {
  return (await otherWays(page).getByRole("link").allInnerTexts()).map((text) => text.trim());
}

/** A user with an authenticator app, a security key and recovery codes, signed out. */
async function userWithEveryMethod(page: Page, context: BrowserContext, prefix: string) {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Desk key");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  const codes = await createConfirmedCodes(page);
  await signOut(page);
  return { email, authenticator, codes };
}

test("one primary action: the account's first method, then the one it used last; the others are links", async ({ page, context }) => {
  test.setTimeout(90_000);
  const { email, authenticator } = await userWithEveryMethod(page, context, "step-primary");

  // Never used yet: the first method (the security key), alone.
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("button", { name: /^use a security key$/i })).toBeVisible();
  await expect(page.getByLabel(/authentication code/i)).toHaveCount(0);
  await expect(page.getByLabel(/^recovery code$/i)).toHaveCount(0);
  expect(await otherWayNames(page)).toEqual(["Use an authenticator app instead", "Use a recovery code"]);

  // Switching is a link; the app is then the only form.
  await otherWays(page).getByRole("link", { name: "Use an authenticator app instead" }).click();
  await expect(page).toHaveURL(/\/login\/2fa\?method=totp$/);
  await expect(page.getByLabel(/authentication code/i)).toBeFocused();
  await expect(page.getByRole("button", { name: /^use a security key$/i })).toHaveCount(0);
  expect(await otherWayNames(page)).toEqual(["Use a security key instead", "Use a recovery code"]);
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");

  // Next time the app comes first: it was used last.
  await page.goto("/");
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await expect(page.getByLabel(/authentication code/i)).toBeFocused();
  await expect(page.getByRole("button", { name: /^use a security key$/i })).toHaveCount(0);
  expect(await otherWayNames(page)).toEqual(["Use a security key instead", "Use a recovery code"]);
  await otherWays(page).getByRole("link", { name: "Use a security key instead" }).click();
  await page.getByRole("button", { name: /^use a security key$/i }).click();
  await page.waitForURL((url) => url.pathname !== "/login/2fa");
  expect((await getSession(page)).body.session.amr.map((e: { method: string }) => e.method)).toEqual(["password", "webauthn"]);

  // And now the key again.
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("button", { name: /^use a security key$/i })).toBeVisible();
  await expect(page.getByLabel(/authentication code/i)).toHaveCount(0);
});

test("the second step's choice works without JavaScript, and a recovery code is never the habit", async ({ page, context, browser, clientIp }) => {
  test.setTimeout(90_000);
  const { email, authenticator, codes } = await userWithEveryMethod(page, context, "step-nojs");
  const plain = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const noJs = await plain.newPage();

  await signIn(noJs, email, PASSWORD);
  // The key needs JavaScript, and says so; the other ways are plain links.
  await expect(noJs.getByText(/security keys need javascript/i)).toBeVisible();
  await otherWays(noJs).getByRole("link", { name: "Use a recovery code" }).click();
  await expect(noJs.getByLabel(/^recovery code$/i)).toBeVisible();
  expect(await otherWayNames(noJs)).toEqual(["Use a security key instead", "Use an authenticator app instead"]);
  await submitRecoveryCode(noJs, codes[0]!);
  await expect(noJs).toHaveURL(/\/login\/2fa\/recovery-code-used/);

  // A recovery code was used last, yet the next sign-in offers the key first, not another code.
  await noJs.goto("/");
  await signOut(noJs);
  await signIn(noJs, email, PASSWORD);
  await expect(noJs.getByLabel(/^recovery code$/i)).toHaveCount(0);
  await expect(noJs.getByRole("button", { name: /^use a security key$/i })).toBeVisible();
  await otherWays(noJs).getByRole("link", { name: "Use an authenticator app instead" }).click();
  await noJs.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await noJs.getByRole("button", { name: /^verify$/i }).click();
  await expect(noJs).toHaveURL(/localhost:\d+\/$/);
  expect((await getSession(noJs)).body.session.aal).toBe("aal2");
  await plain.close();
});

test("the recovery code input is monospace; its label and hint are not", async ({ page }) => {
  const email = uniqueEmail("step-mono");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await createConfirmedCodes(page);
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await page.goto("/login/2fa?method=lookup_secret");
  const input = page.getByLabel(/^recovery code$/i);
  const family = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).fontFamily);
  const inputFont = await input.evaluate((el) => getComputedStyle(el).fontFamily);
  expect(inputFont).toMatch(/mono/i);
  expect(await family('label[for="field-code"]')).not.toMatch(/mono/i);
  expect(await family("#field-code-hint")).not.toMatch(/mono/i);
});

test("after a recovery code, the main action is reviewing the settings, which leads to new codes; Continue is secondary", async ({ page }) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("step-review");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  const codes = await createConfirmedCodes(page);
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[0]!);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);

  const review = page.getByRole("link", { name: /^review security settings$/i });
  const carryOn = page.getByRole("link", { name: /^continue$/i });
  await expect(review).toBeVisible();
  await expect(carryOn).toBeVisible();
  // The primary action is the filled one; Continue is a plain text link.
  expect(await review.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe("rgba(0, 0, 0, 0)");
  expect(await carryOn.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgba(0, 0, 0, 0)");
  await review.click();
  await expect(page).toHaveURL(/\/settings\/security#recovery-codes$/);
  await page.getByRole("button", { name: /^generate new recovery codes$/i }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" })).toBeVisible();
});

/** Pauses a client address's second steps as if others behind it had just failed 20 times. */
async function pauseAddressSecondSteps(ip: string): Promise<number> {
  const now = Date.now();
  await sqlRun(
    `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES (?, ?, 20, ?, ?, ?)
     ON CONFLICT (bucket, key) DO UPDATE SET attempts = excluded.attempts, locked_until = excluded.locked_until`,
    "secondFactorIp",
    ip,
    now,
    now + 15 * 60_000,
    now,
  );
  return 20;
}

const addressAttempts = async (ip: string) =>
  (await sqlGet<{ attempts: number }>("SELECT attempts FROM rate_limits WHERE bucket = 'secondFactorIp' AND key = ?", ip))?.attempts;

test("a re-authentication's second step spends the account's budget only, never the shared address's", async ({ page, browser, clientIp }) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("step-reauth");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  const before = await pauseAddressSecondSteps(clientIp);

  // Someone signing in behind the same address is paused at their second step…
  const neighbourEmail = uniqueEmail("step-neighbour");
  const neighbour = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const other = await neighbour.newPage();
  await signUp(other, neighbourEmail, PASSWORD);
  await other.goto("/settings/security");
  await enrolTotp(other);
  await signOut(other);
  await signIn(other, neighbourEmail, PASSWORD);
  await expect(other.getByRole("alert").filter({ hasText: /too many attempts/i })).toBeVisible();
  await neighbour.close();

  // …but the signed-in user confirms it's them: no pause, and the address's count is untouched.
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  await page.goto("/settings/security");
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/login\/2fa/);
  await expect(page.getByText(/too many attempts/i)).toHaveCount(0);
  // A wrong code first: it spends the account's run, not the address's.
  await page.getByLabel(/authentication code/i).fill("000000");
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: /too many/i })).toHaveCount(0);
  await passTotpStep(page, authenticator);
  await expect(page).toHaveURL(/\/settings\/security$/);
  expect(await addressAttempts(clientIp)).toBe(before);
});

/** Wrong codes until the step warns, then pauses; returns the alerts' texts in order. */
async function wrongCodes(page: Page, times: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < times; i++) {
    await page.goto("/login/2fa?method=lookup_secret");
    await submitRecoveryCode(page, "aaaa-bbbb-cccc-dddd");
    const alert = page.getByRole("alert").filter({ hasText: /isn't valid|too many/i });
    await expect(alert).toBeVisible();
    texts.push((await alert.innerText()).trim());
  }
  return texts;
}

async function accountAtSecondStep(page: Page): Promise<{ email: string; authenticator: Authenticator }> {
  const email = uniqueEmail("step-pause");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await createConfirmedCodes(page);
  await signOut(page);
  await signIn(page, email, PASSWORD);
  return { email, authenticator };
}

test("the step warns before a pause, then pauses every method with a live countdown", async ({ page }) => {
  test.setTimeout(60_000);
  await accountAtSecondStep(page);
  const texts = await wrongCodes(page, 5);
  // 5 tries before a 1-minute pause (lib/security/rate-limit.ts): warned from the third-last on.
  expect(texts[0]).not.toMatch(/before a/i);
  expect(texts[1]).toMatch(/3 more tries before a 1-minute pause/i);
  expect(texts[2]).toMatch(/2 more tries before a 1-minute pause/i);
  expect(texts[3]).toMatch(/1 more try before a 1-minute pause/i);
  expect(texts[4]).toMatch(/too many attempts.*every way to verify.*recovery code.*try again in 1 minute/i);
  // The button waits, with a countdown that moves.
  const verify = page.getByRole("button", { name: /^verify$/i });
  await expect(verify).toBeDisabled();
  const timer = page.getByRole("timer");
  await expect(timer).toHaveText(/you can try again in 0:[0-5]\d\./i);
  const first = await timer.innerText();
  await expect(timer).not.toHaveText(first, { timeout: 3_000 });

  // Another method is paused too, from the moment its page loads.
  await page.getByRole("navigation", { name: /other ways to verify/i }).getByRole("link", { name: /authenticator app/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /every way to verify is paused/i })).toBeVisible();
  await expect(page.getByRole("button", { name: /^verify$/i })).toBeDisabled();
  await expect(page.getByRole("timer")).toBeVisible();
  await expectAccessible(page, "second step, paused with a countdown");
});

test("without JavaScript, the pause is given in words and the server still refuses", async ({ browser, clientIp }) => {
  test.setTimeout(60_000);
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const page = await context.newPage();
  const { authenticator } = await accountAtSecondStep(page);
  const texts = await wrongCodes(page, 5);
  expect(texts[2]).toMatch(/2 more tries before a 1-minute pause/i);
  expect(texts[4]).toMatch(/every way to verify is paused.*try again in 1 minute/i);

  // A reload says it before any typing; a right code is refused while the pause runs.
  await page.goto("/login/2fa?method=totp");
  await expect(page.getByRole("alert").filter({ hasText: /every way to verify is paused.*try again in 1 minute/i })).toBeVisible();
  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /too many attempts/i }).first()).toBeVisible();
  expect((await getSession(page)).body.session.aal).toBe("aal1");
  await context.close();
});

test("a paused sign-in disables Sign in with a countdown", async ({ page }) => {
  const email = uniqueEmail("step-signin-pause");
  const now = Date.now();
  // The typed email's run is paused (as after 5 wrong passwords).
  await sqlRun(
    `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES ('signInAccount', ?, 5, ?, ?, ?)`,
    email,
    now,
    now + 30_000,
    now,
  );
  await page.goto("/login");
  await page.getByLabel(/^email/i).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill("anything at all");
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /too many sign-in attempts\. try again in \d+ seconds/i })).toBeVisible();
  await expect(page.getByRole("button", { name: /^sign in$/i })).toBeDisabled();
  await expect(page.getByRole("timer")).toHaveText(/you can try again in 0:[0-3]\d\./i);
});
