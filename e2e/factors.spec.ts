// Second factors over the years (issue 14): several authenticator apps, a confirmation before a
// factor goes, recovery codes right after the first factor, and the operator's 2FA policy. Checked
// through the pages, the mails and the operator CLI only (no SQL here).
import path from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { runAdminWith } from "./support/admin";
import { expect, nextClientIp, test } from "./support/fixtures";
import { mailsTo } from "./support/mail";
import { confirmCodes, readShownCodes, recoverySection } from "./support/recovery-codes";
import { startExtraServer, stopExtraServer, type ExtraServer } from "./support/servers";
import { enrolTotp, passTotpStep, removeFactor, skipOfferedRecoveryCodes } from "./support/totp-session";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "many factors over many years";
const apps = (page: Page) => page.getByRole("region", { name: "Authenticator apps" });
const appList = (page: Page) => apps(page).getByRole("list", { name: /your authenticator apps/i }).getByRole("listitem");
/** The mail to `email` with this subject whose text contains `text` (delivery runs after the response). */
async function mailContaining(email: string, subject: RegExp, text: string) {
  const find = () => mailsTo(email).find((mail) => subject.test(mail.headers.subject ?? "") && mail.text.includes(text));
  await expect.poll(() => find() !== undefined, { message: `mail to ${email} matching ${subject} with ${text}` }).toBe(true);
  return find()!;
}
const signOut = (page: Page) => page.getByRole("button", { name: /^sign out$/i }).click();

test.describe("several authenticator apps", () => {
  test("a second app joins the first without touching it or the codes; each signs in; removing one asks first", async ({ page }) => {
    test.setTimeout(120_000);
    const email = uniqueEmail("apps");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await expect(apps(page).getByLabel(/^app name/i)).toHaveValue("Authenticator app");
    const oldPhone = await enrolTotp(page, { name: "Old phone", keepOfferedCodes: true });
    // The first second factor: a fresh set of codes right there, before leaving the page.
    const codes = await readShownCodes(page);
    await confirmCodes(page);
    await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();

    // The second app: no codes offered again, the first one kept.
    const newPhone = await enrolTotp(page, { name: "New phone" });
    await expect(page.getByRole("button", { name: /^skip for now$/i })).toHaveCount(0);
    await expect(appList(page)).toHaveCount(2);
    await expect(appList(page).nth(0)).toContainText("Old phone");
    await expect(appList(page).nth(1)).toContainText("New phone");
    await expect(recoverySection(page).getByText(/10 of 10 codes left/i)).toBeVisible();
    await mailContaining(email, /^A second step was added/, "App name: New phone");

    // Each app signs in with its own codes (the sign-in page is unchanged: one code field).
    await signOut(page);
    await signIn(page, email, PASSWORD);
    await passTotpStep(page, newPhone);
    expect((await getSession(page)).body.session.aal).toBe("aal2");
    await signOut(page);
    await signIn(page, email, PASSWORD);
    await passTotpStep(page, oldPhone);
    expect((await getSession(page)).body.session.aal).toBe("aal2");
    await page.goto("/settings/security/log");
    await expect(page.getByText("Old phone").first()).toBeVisible();

    // Removing the old phone asks first and says what remains; Cancel keeps it.
    await page.goto("/settings/security");
    await appList(page).nth(0).getByRole("button", { name: /^remove old phone$/i }).click();
    await expect(page).toHaveURL(/\/settings\/security\/remove\?factor=totp&id=/);
    await expect(page.getByRole("heading", { name: /remove this authenticator app/i })).toBeVisible();
    const remains = page.getByRole("list", { name: /second steps that remain/i });
    await expect(remains).toContainText("New phone");
    await expect(remains).toContainText(/recovery codes \(10 left\)/i);
    await page.getByRole("link", { name: /^cancel$/i }).click();
    await expect(appList(page)).toHaveCount(2);
    await removeFactor(page, appList(page).nth(0).getByRole("button", { name: /^remove old phone$/i }), /new phone/i);
    await expect(page.getByRole("status").filter({ hasText: /^authenticator app removed\.$/i })).toBeVisible();
    await expect(appList(page)).toHaveCount(1);
    await expect(recoverySection(page).getByText(/10 of 10 codes left/i)).toBeVisible();
    await mailContaining(email, /^A second step was removed/, "App name: Old phone");

    // The removed app's codes no longer sign in; the remaining one does.
    await signOut(page);
    await signIn(page, email, PASSWORD);
    await page.getByLabel(/authentication code/i).fill(await oldPhone.freshCode());
    await page.getByRole("button", { name: /^verify$/i }).click();
    await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
    await passTotpStep(page, newPhone);
    expect(codes).toHaveLength(10);
  });

  test("an app name must be one line of visible text", async ({ page }) => {
    await signUp(page, uniqueEmail("app-name"), PASSWORD);
    await page.goto("/settings/security");
    await apps(page).getByLabel(/^app name/i).fill("   ");
    await apps(page).getByRole("button", { name: /^set up authenticator app$/i }).click();
    await expect(apps(page).getByText(/give the app a name/i)).toBeVisible();
    await expect(page.getByRole("img", { name: /qr code/i })).toHaveCount(0);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("two apps, codes offered and skipped, then a reminder; removal confirmed on its own page", async ({ page }) => {
    test.setTimeout(120_000);
    const email = uniqueEmail("apps-nojs");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await enrolTotp(page, { name: "Phone", keepOfferedCodes: true });
    await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await skipOfferedRecoveryCodes(page);
    await expect(page.getByRole("list", { name: "Recovery codes" })).toHaveCount(0);
    await expect(recoverySection(page).getByRole("note", { name: /reminder/i })).toContainText(/generate recovery codes/i);

    await enrolTotp(page, { name: "Tablet" });
    await expect(appList(page)).toHaveCount(2);
    // Still reminded: no set was confirmed.
    await expect(recoverySection(page).getByRole("note", { name: /reminder/i })).toBeVisible();

    await removeFactor(page, appList(page).nth(0).getByRole("button", { name: /^remove phone$/i }), /tablet/i);
    await expect(appList(page)).toHaveCount(1);
    // The last one: the page says 2FA turns off.
    await removeFactor(page, appList(page).nth(0).getByRole("button", { name: /^remove tablet$/i }), /two-step verification turns off/i);
    await expect(page.getByRole("status").filter({ hasText: /authenticator app removed/i })).toBeVisible();
    await expect(apps(page).getByRole("button", { name: /^set up authenticator app$/i })).toBeVisible();
  });

  test("a removal confirmation for a factor that is gone says so", async ({ page }) => {
    await signUp(page, uniqueEmail("gone-nojs"), PASSWORD);
    await page.goto("/settings/security/remove?factor=totp&id=not-a-real-id");
    await expect(page).toHaveURL(/\/settings\/security\?notice=factor-missing$/);
    await expect(page.getByRole("status").filter({ hasText: /already removed/i })).toBeVisible();
  });
});

test("a first security key offers recovery codes at once; removing the last factor says what goes", async ({ page, context }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("key-codes");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Desk key", { keepOfferedCodes: true });
  const keys = page.getByRole("region", { name: "Security keys" });
  await expect(keys.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await expect(keys.getByRole("button", { name: /^remove desk key$/i })).toBeVisible();
  await confirmCodes(page);
  await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();
  await expect(recoverySection(page).getByRole("note", { name: /reminder/i })).toHaveCount(0);

  await removeFactor(page, keys.getByRole("button", { name: /^remove desk key$/i }), /recovery codes \(10 left\) are deleted too/i);
  await expect(page.getByRole("status").filter({ hasText: /recovery codes were deleted too/i })).toBeVisible();
  expect((await getSession(page)).body.available_aal).toBe("aal1");
});

test.describe("REQUIRE_SECOND_FACTOR", () => {
  let graced: ExtraServer | undefined;
  let strict: ExtraServer | undefined;
  const start = (env: Record<string, string>) =>
    startExtraServer(process.execPath, [path.resolve("server.mjs")], { TRUSTED_PROXY_HOPS: "1", REQUIRE_SECOND_FACTOR: "true", ...env });

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    [graced, strict] = await Promise.all([start({}), start({ REQUIRE_SECOND_FACTOR_GRACE_DAYS: "0" })]);
  });

  test.afterAll(async () => {
    await Promise.all([stopExtraServer(graced), stopExtraServer(strict)]);
  });

  const contextOn = (browser: Browser, server: ExtraServer, javaScriptEnabled = true): Promise<BrowserContext> =>
    browser.newContext({ baseURL: server.origin, javaScriptEnabled, extraHTTPHeaders: { "x-forwarded-for": nextClientIp(7) } });

  test("within the grace period: a banner with the deadline on every signed-in page; the operator lists the account", async ({ browser }) => {
    test.setTimeout(90_000);
    const context = await contextOn(browser, graced!);
    const page = await context.newPage();
    try {
      const email = uniqueEmail("policy-grace");
      const before = Date.now();
      await signUp(page, email, PASSWORD);
      const banner = page.getByRole("region", { name: /two-step verification required/i });
      await expect(banner).toContainText(/will be required/i);
      const deadline = Date.parse((await banner.locator("time").getAttribute("datetime"))!);
      expect(deadline).toBeGreaterThanOrEqual(before + 14 * 86_400_000 - 1000);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 14 * 86_400_000);
      for (const path of ["/settings/security", "/settings/security/log"]) {
        await page.goto(path);
        await expect(banner).toBeVisible();
      }

      // The operator, with the server's settings: the account and its stored deadline.
      const policy = { REQUIRE_SECOND_FACTOR: "true" };
      const listed = runAdminWith(policy, "users", "without-2fa", "--json");
      expect(listed.status, listed.stderr).toBe(0);
      const accounts = JSON.parse(listed.stdout) as Array<{ email: string; deadline: string | null; overdue: boolean }>;
      expect(accounts.find((a) => a.email === email)).toEqual(expect.objectContaining({ deadline: new Date(deadline).toISOString(), overdue: false }));
      const text = runAdminWith(policy, "users", "without-2fa");
      expect(text.stdout).toContain(`${email} (created `);

      await page.goto("/settings/security");
      await enrolTotp(page);
      await expect(banner).toHaveCount(0);
      expect((JSON.parse(runAdminWith(policy, "users", "without-2fa", "--json").stdout) as Array<{ email: string }>).map((a) => a.email)).not.toContain(email);
    } finally {
      await context.close();
    }
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`past the deadline, sign-in leads only to enrolment until a factor and codes are set up (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({ browser }) => {
      test.setTimeout(120_000);
      const context = await contextOn(browser, strict!, javaScriptEnabled);
      const page = await context.newPage();
      try {
        const email = uniqueEmail(javaScriptEnabled ? "policy-strict" : "policy-strict-nojs");
        await signUp(page, email, PASSWORD);
        await expect(page).toHaveURL(/\/settings\/security$/);
        await expect(page.getByRole("region", { name: /two-step verification required/i })).toContainText(/is required/i);
        await expect(page.getByRole("region", { name: "Sessions" })).toHaveCount(0);
        for (const path of ["/", "/settings/security/log"]) {
          await page.goto(path);
          await expect(page).toHaveURL(/\/settings\/security$/);
        }
        await enrolTotp(page, { keepOfferedCodes: true });
        await skipOfferedRecoveryCodes(page);
        // A factor without recovery codes is not enough.
        await page.goto("/");
        await expect(page).toHaveURL(/\/settings\/security$/);
        await expect(page.getByRole("region", { name: /two-step verification required/i })).toContainText(/recovery codes/i);
        await recoverySection(page).getByRole("button", { name: /^generate new recovery codes$/i }).click();
        await confirmCodes(page);
        await page.goto("/");
        await expect(page).toHaveURL(/\/$/);
        await expect(page.getByRole("region", { name: /two-step verification required/i })).toHaveCount(0);
        // Still the sign-up's own session: the account's first, so "Welcome", not "Welcome back".
        await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome");
      } finally {
        await context.close();
      }
    });
  }
});
