// Account recovery when every second factor is lost, as a browser drives it: "I can't use any of
// my factors" on /login/2fa mails a link to the verified address; opening it starts the wait
// (ACCOUNT_RECOVERY_DELAY, 8 seconds on the e2e servers: scripts/e2e-server.mjs); every signed-in
// session shows the banner with Cancel this recovery; a second-factor sign-in cancels it; after
// the wait the link and the password remove every factor and leave an aal1 session; the link is
// dead afterwards. With JavaScript and without. Also: the lockout message points here, and a
// passkey that is the account's only way in can't be removed.
import path from "node:path";
import { expectAccessible } from "./support/axe";
import { expect, nextClientIp, test } from "./support/fixtures";
import { startExtraServer, stopExtraServer, type ExtraServer } from "./support/servers";
import { securityEventTypes, sqlGet, sqlRun } from "./support/db";
import { mailsTo, waitForMail } from "./support/mail";
import { enrolTotp, passTotpStep, type Authenticator } from "./support/totp-session";
import { PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";
import { addSecurityKey, addVirtualAuthenticator, removeVirtualAuthenticator } from "./support/webauthn";
import type { Browser, Page } from "@playwright/test";

const PASSWORD = "recovery password of several words";
const LINK_SUBJECT = /^Recover your /;
const LINK = /(http:\/\/\S+\/account-recovery\?token=[A-Za-z0-9_-]+)/;
const SENT = /we sent a recovery link to your email address/i;
const EXPIRED = /this recovery link has expired, was already used, or the recovery was cancelled/i;
const CANT = /^i can't use any of my factors$/i;

test.describe.configure({ timeout: 120_000 });

const linkMails = (email: string) => mailsTo(email).filter((m) => LINK_SUBJECT.test(m.headers.subject ?? ""));
const userId = async (email: string) => (await sqlGet<{ id: string }>("SELECT id FROM users WHERE email = ?", email))!.id;
const factorCount = async (email: string) => {
  const id = await userId(email);
  const apps = await sqlGet<{ n: number }>("SELECT COUNT(*) AS n FROM totp_credentials WHERE user_id = ?", id);
  const keys = await sqlGet<{ n: number }>("SELECT COUNT(*) AS n FROM webauthn_credentials WHERE user_id = ?", id);
  const codes = await sqlGet<{ n: number }>("SELECT COUNT(*) AS n FROM recovery_code_sets WHERE user_id = ?", id);
  return Number(apps!.n) + Number(keys!.n) + Number(codes!.n);
};

/** Signs up, opens the verification link, adds an authenticator app, signs out. */
async function verifiedTotpAccount(page: Page, prefix: string): Promise<{ email: string; authenticator: Authenticator }> {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  const verification = await waitForMail(email, /^Confirm your email address for /);
  await page.goto(/(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(verification.text)![1]!);
  await expect(page.getByText(/your email address is verified/i)).toBeVisible();
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await expect(page).toHaveURL(/\/login$/);
  return { email, authenticator };
}

/** Password, then "I can't use any of my factors" at the second step; returns the mailed link. */
async function askForRecovery(page: Page, email: string, options: { axe?: boolean } = {}): Promise<string> {
  const before = linkMails(email).length;
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa/);
  await page.getByRole("button", { name: CANT }).click();
  await expect(page.getByRole("status").filter({ hasText: SENT })).toBeVisible();
  if (options.axe) await expectAccessible(page, "second step, recovery link sent");
  await expect.poll(() => linkMails(email).length, { message: `recovery mail to ${email}` }).toBeGreaterThan(before);
  const link = LINK.exec(linkMails(email).at(-1)!.text)?.[1];
  expect(link, "a link in the mail").toBeTruthy();
  return link!;
}

/** Opens the mailed link: the token leaves the address bar at a 303 that passes no referrer. */
async function openLink(page: Page, link: string): Promise<void> {
  const landed = await page.goto(link);
  expect(page.url()).toMatch(/\/account-recovery$/);
  const hop = await landed!.request().redirectedFrom()?.response();
  expect(hop?.status()).toBe(303);
  expect(hop?.headers()["referrer-policy"]).toBe("no-referrer");
}

/** On the waiting page: waits until the time it names (the end of the wait) has passed. */
async function waitOutTheDelay(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { name: /^account recovery started$/i })).toBeVisible();
  const until = await page.getByRole("status").locator("time").getAttribute("datetime");
  const wait = new Date(until!).getTime() - Date.now();
  expect(wait, "the wait is running").toBeGreaterThan(0);
  expect(wait, "ACCOUNT_RECOVERY_DELAY of the e2e servers").toBeLessThan(10_000);
  await page.waitForTimeout(wait + 500);
}

async function signedInElsewhere(browser: Browser, email: string, authenticator: Authenticator, ip: string) {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": ip } });
  const page = await context.newPage();
  await signIn(page, email, PASSWORD);
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");
  return { context, page };
}

test("the second step mails a recovery link; opening it starts the wait, and a signed-in session sees the banner and cancels it", async ({ page, browser }) => {
  const { email, authenticator } = await verifiedTotpAccount(page, "recovery-cancel");
  const owner = await signedInElsewhere(browser, email, authenticator, "10.251.0.1");

  const link = await askForRecovery(page, email, { axe: true });
  const stored = await sqlGet<{ token_hash: string; status: string }>("SELECT token_hash, status FROM account_recoveries WHERE user_id = ?", await userId(email));
  expect(stored?.status).toBe("requested");
  expect(link).not.toContain(stored!.token_hash);
  await openLink(page, link);
  await expect(page.getByRole("heading", { name: /^account recovery started$/i })).toBeVisible();
  await expectAccessible(page, "account recovery, waiting");
  await waitForMail(email, /^Account recovery started for your /);

  await owner.page.goto("/");
  const banner = owner.page.getByRole("region", { name: /^account recovery under way$/i });
  await expect(banner).toContainText(/every second step of your account can be removed from/i);
  await expectAccessible(owner.page, "home, account recovery banner");
  await banner.getByRole("button", { name: /^cancel this recovery$/i }).click();
  await expect(owner.page.getByRole("status").filter({ hasText: /account recovery cancelled/i })).toBeVisible();
  await expect(banner).toHaveCount(0);
  await waitForMail(email, /^Account recovery cancelled for your /);
  expect(await securityEventTypes(email)).toEqual(expect.arrayContaining(["account_recovery.requested", "account_recovery.started", "account_recovery.cancelled"]));

  await page.goto(link);
  await expect(page.getByRole("alert").filter({ hasText: EXPIRED })).toBeVisible();
  expect(await factorCount(email)).toBeGreaterThan(0);
  await owner.context.close();
});

test("a sign-in with a second factor cancels a waiting recovery", async ({ page }) => {
  const { email, authenticator } = await verifiedTotpAccount(page, "recovery-2fa");
  const link = await askForRecovery(page, email);
  await openLink(page, link);
  await expect(page.getByRole("heading", { name: /^account recovery started$/i })).toBeVisible();

  // The half sign-in that asked for it is still at its second step: the app turns up after all.
  await page.goto("/login/2fa");
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");
  await expect(page.getByRole("region", { name: /^account recovery under way$/i })).toHaveCount(0);
  await waitForMail(email, /^Account recovery cancelled for your /);
  await page.goto(link);
  await expect(page.getByRole("alert").filter({ hasText: EXPIRED })).toBeVisible();
});

test("after the wait, the link and the password remove every factor and leave an aal1 session; the link then is dead", async ({ page, browser }) => {
  const { email, authenticator } = await verifiedTotpAccount(page, "recovery-finish");
  const owner = await signedInElsewhere(browser, email, authenticator, "10.251.0.2");
  const link = await askForRecovery(page, email);
  await openLink(page, link);
  await waitOutTheDelay(page);

  await openLink(page, link);
  await expect(page.getByRole("heading", { name: /^finish account recovery$/i })).toBeVisible();
  await page.getByLabel(PASSWORD_LABEL).fill("not the password at all");
  await page.getByRole("button", { name: /^finish recovery$/i }).click();
  await expect(page.getByText(/^incorrect password\.$/i)).toBeVisible();
  await expectAccessible(page, "finish account recovery, wrong password");
  expect(await factorCount(email)).toBeGreaterThan(0);

  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^finish recovery$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security\?notice=account-recovered$/);
  await expect(page.getByRole("status").filter({ hasText: /your account is recovered/i })).toBeVisible();
  const session = await getSession(page);
  expect(session.body.session.aal).toBe("aal1");
  expect(session.body.session.amr.map((entry: { method: string }) => entry.method)).toEqual(["password"]);
  expect(session.body.available_aal).toBe("aal1");
  expect(await factorCount(email)).toBe(0);
  await waitForMail(email, /was recovered: two-step verification is off$/);
  // Every other session ended with the factors.
  expect((await getSession(owner.page)).status).toBe(401);

  await page.goto(link);
  await expect(page.getByRole("alert").filter({ hasText: EXPIRED })).toBeVisible();
  await expectAccessible(page, "account recovery, dead link");
  await owner.context.close();
});

test("an unverified address gets no link: the page says so and points to support", async ({ page }) => {
  const email = uniqueEmail("recovery-unverified");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await signIn(page, email, PASSWORD);
  await page.getByRole("button", { name: CANT }).click();
  await expect(page.getByRole("alert").filter({ hasText: /never verified.*contact support/i })).toBeVisible();
  expect(linkMails(email)).toHaveLength(0);
});

test("the lockout after 100 wrong second steps points to account recovery", async ({ page }) => {
  const { email } = await verifiedTotpAccount(page, "recovery-locked");
  await signIn(page, email, PASSWORD);
  await sqlRun(
    "INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES ('secondFactorAccount', ?, 100, ?, NULL, ?)",
    await userId(email), Date.now(), Date.now(),
  );
  await page.getByLabel(/authentication code/i).fill("123456");
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /locked/i })).toContainText(/i can't use any of my factors/i);
  await expect(page.getByRole("button", { name: CANT })).toBeVisible();
});

test("a passkey that is the account's only way in can't be removed until there is another", async ({ page, context }) => {
  const email = uniqueEmail("only-passkey");
  await signUp(page, email, PASSWORD);
  const first = await addVirtualAuthenticator(context, page, "passkey");
  await page.goto("/settings/security");
  await addSecurityKey(page, "Only passkey");
  // The account loses its password (as an account made through the identity provider has none).
  await sqlRun("UPDATE users SET password_hash = '!no-password' WHERE email = ?", email);
  const keys = page.getByRole("region", { name: "Security keys" });
  await page.goto("/settings/security");
  await keys.getByRole("button", { name: /^remove only passkey$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security\/remove\?/);
  await expect(page.getByRole("note", { name: /why it can't be removed/i })).toContainText(/only way to sign in/i);
  await expect(page.getByRole("main").getByRole("button", { name: /^remove$/i })).toHaveCount(0);

  // With a second passkey (on another authenticator: one holds one credential per account), either may go.
  await removeVirtualAuthenticator(first);
  await addVirtualAuthenticator(context, page, "passkey");
  await page.goto("/settings/security");
  await addSecurityKey(page, "Second passkey");
  await expect(keys.getByRole("button", { name: /^remove second passkey$/i })).toBeVisible();
  await keys.getByRole("button", { name: /^remove only passkey$/i }).click();
  await page.getByRole("main").getByRole("button", { name: /^remove$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security\?notice=key-removed$/);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("ask, open, wait and finish with plain forms", async ({ page }) => {
    const { email } = await verifiedTotpAccount(page, "recovery-nojs");
    const link = await askForRecovery(page, email);
    await openLink(page, link);
    await waitOutTheDelay(page);
    await openLink(page, link);
    await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
    await page.getByRole("button", { name: /^finish recovery$/i }).click();
    await expect(page).toHaveURL(/\/settings\/security\?notice=account-recovered$/);
    const session = await getSession(page);
    expect(session.body.session.aal).toBe("aal1");
    expect(await factorCount(email)).toBe(0);
  });
});

test.describe("under REQUIRE_SECOND_FACTOR", () => {
  let server: ExtraServer | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    // Within the grace period (14 days from sign-up): only the recovery takes the account past it.
    server = await startExtraServer(process.execPath, [path.resolve("server.mjs")], {
      TRUSTED_PROXY_HOPS: "1",
      REQUIRE_SECOND_FACTOR: "true",
      ACCOUNT_RECOVERY_DELAY: "8",
    });
  });

  test.afterAll(async () => {
    await stopExtraServer(server);
  });

  test("a recovered account must set up a second factor again before anything else", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: server!.origin, extraHTTPHeaders: { "x-forwarded-for": nextClientIp(9) } });
    const page = await context.newPage();
    try {
      const { email } = await verifiedTotpAccount(page, "recovery-policy");
      const link = await askForRecovery(page, email);
      await openLink(page, link);
      await waitOutTheDelay(page);
      await openLink(page, link);
      await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
      await page.getByRole("button", { name: /^finish recovery$/i }).click();
      await expect(page).toHaveURL(/\/settings\/security\?notice=account-recovered$/);
      await expect(page.getByRole("region", { name: /two-step verification required/i })).toContainText(/is required/i);
      await page.goto("/");
      await expect(page).toHaveURL(/\/settings\/security$/);
    } finally {
      await context.close();
    }
  });
});
