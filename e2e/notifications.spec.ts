import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { expect, test } from "./support/fixtures";
import { runAdmin } from "./support/admin";
import { ageAuthentication } from "./support/db";
import { mailsTo, waitForMail } from "./support/mail";
import { createConfirmedCodes, submitRecoveryCode } from "./support/recovery-codes";
import { enrolTotp } from "./support/totp-session";
import { getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "seven amber kites drift";

async function signOut(page: Page) {
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

test("a recovery-code sign-in is in the security log, the export and a mail that holds no code", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("notify-rc");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  const codes = await createConfirmedCodes(page);
  await waitForMail(email, /^A second step was added/);
  await waitForMail(email, /^New recovery codes/);

  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[2]!);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);

  // The log page: newest first, in words, with device and how long ago.
  await page.goto("/settings/security/log");
  await expect(page.getByRole("heading", { name: "Security log" })).toBeVisible();
  const entries = page.getByRole("list", { name: "Security events" }).getByRole("listitem");
  await expect(entries.first()).toContainText(/^Recovery code 3 used to sign in \(9 left\) from .+ on Linux, (just now|1 minute ago)/);
  await expect(entries.filter({ hasText: /^Authenticator app added from/ })).toHaveCount(1);
  // Works at 360 px.
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The mail: what, how many are left, when, from where, what to do; never a code.
  const mail = await waitForMail(email, /^A recovery code was used to sign in/);
  expect(mail.text).toContain("Recovery code 3 was used as the second step to sign in to your account. You have 9 recovery codes left.");
  expect(mail.text).toMatch(/^When: .+ UTC$/m);
  expect(mail.text).toMatch(/^Device: .+ on Linux$/m);
  expect(mail.text).toMatch(/^IP address: 10\.\d+\.\d+\.\d+$/m);
  expect(mail.text).toContain("If this wasn't you");
  expect(mail.html).toContain("Recovery code 3 was used");
  for (const sent of mailsTo(email)) {
    for (const code of codes) {
      expect(sent.text + sent.html).not.toContain(code);
      expect(sent.text + sent.html).not.toContain(code.replaceAll("-", ""));
    }
  }

  // The export: the same events as JSON, as an attachment nobody caches.
  const response = await page.request.get("/settings/security/log/export");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="twofold-security-log-\d{4}-\d\d-\d\d\.json"$/);
  expect(response.headers()["cache-control"]).toMatch(/no-store/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /download your security log/i }).click()]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  expect(exported.account.email).toBe(email);
  expect(exported.events[0]).toMatchObject({ type: "second_factor.succeeded", detail: { method: "lookup_secret", code_number: 3, codes_remaining: 9 } });
  expect(JSON.stringify(exported)).not.toContain(codes[2]);

  // Gated like the settings page: signed out goes to /login, a stale session re-authenticates.
  const anonymous = await browser.newContext();
  const refused = await anonymous.request.get("/settings/security/log/export", { maxRedirects: 0 });
  expect(refused.status()).toBeGreaterThanOrEqual(300);
  expect(refused.status()).toBeLessThan(400);
  expect(refused.headers().location).toMatch(/\/login/);
  await anonymous.close();
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  await page.goto("/settings/security/log");
  await expect(page).toHaveURL(/\/login\?refresh=true&return_to=%2Fsettings%2Fsecurity%2Flog$/);
});

test("after adding a second factor the notice offers to sign out other sessions; new devices are mailed", async ({ page, browser }) => {
  const email = uniqueEmail("notify-offer");
  await signUp(page, email, PASSWORD);
  // Signing up is this device's first appearance: no "new sign-in" mail for it.
  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.250.1.9" } });
  await signIn(await other.newPage(), email, PASSWORD);
  const newDevice = await waitForMail(email, /^New sign-in to your Twofold account$/);
  expect(newDevice.text).toContain("IP address: 10.250.1.9");
  expect(mailsTo(email).filter((m) => /^New sign-in/.test(m.headers.subject ?? ""))).toHaveLength(1);

  await page.goto("/settings/security");
  // No 2FA change yet: no offer.
  await expect(page.getByRole("group", { name: "Other sessions" })).toHaveCount(0);
  await enrolTotp(page);
  const offer = page.getByRole("group", { name: "Other sessions" });
  await expect(offer).toContainText("also signed in in 1 other session");
  // The offer points to the Sessions section instead of repeating its button.
  await expect(offer.getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^sign out other sessions$/i })).toHaveCount(1);
  await offer.getByRole("link", { name: /^review your sessions$/i }).click();
  await expect(page).toHaveURL(/#sessions-title$/);
  await page.getByRole("region", { name: "Sessions" }).getByRole("button", { name: /^sign out other sessions$/i }).click();
  await page.getByRole("button", { name: /^sign out other sessions$/i }).click();
  await expect(page.getByRole("status").filter({ hasText: /all other sessions were signed out/i })).toBeVisible();
  await expect(page.getByRole("group", { name: "Other sessions" })).toHaveCount(0);
  expect((await getSession(other.request)).status).toBe(401);
  await other.close();

  const signedOut = await waitForMail(email, /^Other sessions of your Twofold account were signed out$/);
  expect(signedOut.text).toContain("(1 session)");
});

test("operator CLI: show, reset second factors (password alone is then aal1), revoke sessions", async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("notify-admin");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await createConfirmedCodes(page);

  const shown = runAdmin("user", "show", email);
  expect(shown.status, shown.stderr).toBe(0);
  expect(shown.stdout).toContain(email);
  expect(shown.stdout).toMatch(/Authenticator apps: \n    - "Authenticator app", added /);
  expect(shown.stdout).toMatch(/Recovery codes: 10 of 10 left/);
  expect(shown.stdout).toMatch(/aal2 \(password \+ totp\)/);
  // Never a secret: not the TOTP key, in any spelling.
  expect(shown.stdout.toUpperCase()).not.toContain(authenticator.secret.toUpperCase());

  const reset = runAdmin("user", "reset-second-factors", email);
  expect(reset.status, reset.stderr).toBe(0);
  expect(reset.stdout).toContain("removed: totp, lookup_secret");
  const resetMail = await waitForMail(email, /^The second steps of your Twofold account were reset$/);
  expect(resetMail.text).toContain("Device: the administrators' tool");

  // The password alone now signs in, at aal1, with no second step.
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  const { status, body } = await getSession(page);
  expect(status).toBe(200);
  expect(body.session.aal).toBe("aal1");
  expect(body.available_aal).toBe("aal1");
  expect(body.session.amr.map((e: { method: string }) => e.method)).toEqual(["password"]);

  await page.goto("/settings/security/log");
  await expect(page.getByRole("list", { name: "Security events" })).toContainText("An administrator removed all second steps");

  const revoked = runAdmin("user", "revoke-sessions", email);
  expect(revoked.status, revoked.stderr).toBe(0);
  expect(revoked.stdout).toMatch(/out of 1 session\b/);
  expect((await getSession(page)).status).toBe(401);
  await waitForMail(email, /^All sessions of your Twofold account were signed out$/);

  const missing = runAdmin("user", "show", "nobody-at-all@example.test");
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain("No account with the email");
  expect(runAdmin("user", "frobnicate", email).status).toBe(2);
});
