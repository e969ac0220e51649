import { readFileSync } from "node:fs";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { expect, nextClientIp, test } from "./support/fixtures";
import { securityEventTypes, sqlAll, sqlGet, sqlRun } from "./support/db";
import {
  codesFoundInDatabase,
  confirmCodes,
  createConfirmedCodes,
  generateCodes,
  noJsFormFields,
  readShownCodes,
  recoverySection,
  shownCodeList,
  submitRecoveryCode,
} from "./support/recovery-codes";
import { enrolTotp, removeFactor } from "./support/totp-session";
import { getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "ten quiet lanterns glow";
const methods = (body: { session: { amr: Array<{ method: string }> } }) => body.session.amr.map((e) => e.method);

async function signOut(page: import("@playwright/test").Page) {
  await page.getByRole("button", { name: /^sign out$/i }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

/** A new account with an authenticator app, on /settings/security. */
async function accountWithTotp(page: import("@playwright/test").Page, prefix: string) {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  return { email, authenticator };
}

test("offered after enrolling TOTP: download, copy, print, confirm, sign in with a code once", async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  const { email } = await accountWithTotp(page, "rc-journey");

  // Offered right after the first second factor.
  const section = recoverySection(page);
  await expect(section.getByText(/next step/i)).toBeVisible();
  await expect(section.getByText(/you have no recovery codes/i)).toBeVisible();

  const cspViolations: string[] = [];
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
  });

  const codes = await generateCodes(page);
  expect(new Set(codes).size).toBe(10);
  // The new set is on screen: the "no codes" reminder above it is gone (it would contradict it).
  await expect(section.getByText(/you have no recovery codes/i)).toHaveCount(0);
  await expect(section.getByRole("note", { name: /recovery codes reminder/i })).toHaveCount(0);
  // Still not valid and still offered: the prompt stays until confirmed.
  expect(await sqlAll("SELECT s.status FROM recovery_code_sets s JOIN users u ON u.id = s.user_id WHERE u.email = ?", email)).toEqual([{ status: "pending" }]);

  // Works at 360 px: nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 720 });

  // Download: a file named after app and account, with numbered codes, the date and how to use them.
  const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: /^download$/i }).click()]);
  expect(download.suggestedFilename()).toBe(`twofold-recovery-codes-${email}.txt`);
  const text = readFileSync(await download.path(), "utf8");
  expect(text).toContain(`Twofold recovery codes for ${email}`);
  expect(text).toMatch(new RegExp(`Generated ${new Date().toISOString().slice(0, 10)} \\d\\d:\\d\\d UTC`));
  codes.forEach((code, i) => expect(text).toMatch(new RegExp(`^\\s*${i + 1}\\. ${code}$`, "m")));
  expect(text).toMatch(/each code works once/i);
  expect(cspViolations).toEqual([]);

  // Copy: every code lands on the clipboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await section.getByRole("button", { name: /^copy$/i }).click();
  await expect(section.getByRole("status").filter({ hasText: /copied/i })).toBeVisible();
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  for (const code of codes) expect(clipboard).toContain(code);

  // Print: only the codes sheet is printed (the dialog itself is stubbed out).
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void (window as unknown as { printed: number }).printed++;
  });
  await section.getByRole("button", { name: /^print$/i }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: "print" });
  await expect(shownCodeList(page)).toBeVisible();
  await expect(page.getByText(/each code works once/i)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Security settings" })).toBeHidden();
  await expect(section.getByRole("button", { name: /^copy$/i })).toBeHidden();
  await page.emulateMedia({ media: "screen" });
  await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
  await expect(page.getByRole("heading", { name: "Security settings" })).toBeVisible();

  // Confirm needs the box ticked; the codes stay on screen meanwhile.
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page.getByText(/tick the box/i)).toBeVisible();
  expect(await readShownCodes(page)).toEqual(codes);
  await confirmCodes(page);
  await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();
  await expect(section.getByText(/10 of 10 codes left/i)).toBeVisible();
  // Never shown again.
  for (const code of codes) await expect(page.getByText(code)).toHaveCount(0);

  // Sign in with a code, typed loosely.
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, ` ${codes[1].toUpperCase().replaceAll("-", " ")} `);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);
  await expect(page.getByText(/recovery code 2/i)).toBeVisible();
  await expect(page.getByText(/9 recovery codes left/i)).toBeVisible();
  const session = await getSession(page);
  expect(session.body).toMatchObject({ available_aal: "aal2", session: { aal: "aal2" } });
  expect(methods(session.body)).toEqual(["password", "lookup_secret"]);
  await page.getByRole("link", { name: /^continue$/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);

  // The same code again: refused, with the same words as an unknown code; the step never counts.
  // Each answer is stated whole, so the second cannot be met by the first still on screen. The
  // success above reset the account's budget: the used code is the first miss (no warning yet),
  // the unknown one the second, which adds only the budget's warning (5 free tries).
  const INVALID_CODE = "That code isn't valid. Check it and try again.";
  const refused = page.getByRole("alert").filter({ hasText: /isn't valid/i });
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[1]);
  await expect(refused).toHaveText(INVALID_CODE);
  await submitRecoveryCode(page, "2222-3333-4444-5555");
  await expect(refused).toHaveText(`${INVALID_CODE} 3 more tries before a 1-minute pause.`);
  expect(await page.locator("main").innerText()).not.toMatch(/\d+\s+(codes?\s+)?(left|remaining)/i);
  expect((await getSession(page)).body.session.aal).toBe("aal1");

  await submitRecoveryCode(page, codes[4]);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);
  await page.goto("/settings/security");
  await expect(section.getByText(/8 of 10 codes left/i)).toBeVisible();
  const used = section.getByRole("list", { name: /used recovery codes/i }).getByRole("listitem");
  await expect(used).toHaveCount(2);
  await expect(used.nth(0)).toContainText(/code 2,.*UTC/i);
  await expect(used.nth(1)).toContainText(/code 5,.*UTC/i);

  const events = await securityEventTypes(email);
  expect(events).toEqual(expect.arrayContaining(["recovery_codes.created", "second_factor.succeeded", "second_factor.failed"]));
  const useEvent = (await sqlGet<{ detail: string }>(
    "SELECT e.detail FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? AND e.type = 'second_factor.succeeded' ORDER BY e.id DESC LIMIT 1",
    email,
  ))!;
  expect(JSON.parse(useEvent.detail)).toEqual({ method: "lookup_secret", code_number: 5, codes_remaining: 8 });
  expect(await codesFoundInDatabase(codes)).toEqual([]);
});

test("an unconfirmed set is not valid while the old one is; confirming replaces it", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const { email } = await accountWithTotp(page, "rc-replace");
  const oldCodes = await createConfirmedCodes(page);
  const newCodes = await generateCodes(page);

  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": nextClientIp(7) } });
  const otherPage = await other.newPage();
  await signIn(otherPage, email, PASSWORD);
  await submitRecoveryCode(otherPage, newCodes[0]);
  await expect(otherPage.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  await submitRecoveryCode(otherPage, oldCodes[0]);
  await expect(otherPage).toHaveURL(/\/login\/2fa\/recovery-code-used/);

  // Regenerate: confirming the new set makes every old code invalid, and is logged.
  await confirmCodes(page);
  await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();
  await expect(recoverySection(page).getByText(/10 of 10 codes left/i)).toBeVisible();
  await otherPage.goto("/");
  await signOut(otherPage);
  await signIn(otherPage, email, PASSWORD);
  await submitRecoveryCode(otherPage, oldCodes[1]);
  await expect(otherPage.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  await submitRecoveryCode(otherPage, newCodes[1]);
  await expect(otherPage).toHaveURL(/\/login\/2fa\/recovery-code-used/);
  await other.close();

  const created = await sqlAll<{ detail: string }>(
    "SELECT e.detail FROM security_events e JOIN users u ON u.id = e.user_id WHERE u.email = ? AND e.type = 'recovery_codes.created' ORDER BY e.id",
    email,
  );
  expect(created.map((e) => JSON.parse(e.detail).replaced_previous)).toEqual([false, true]);
  expect(await codesFoundInDatabase([...oldCodes, ...newCodes])).toEqual([]);
});

test("leaving the page discards unconfirmed codes", async ({ page, context }) => {
  const { email } = await accountWithTotp(page, "rc-discard");
  await generateCodes(page);
  const pendingSets = async () =>
    (await sqlGet<{ n: number }>("SELECT count(*) AS n FROM recovery_code_sets s JOIN users u ON u.id = s.user_id WHERE u.email = ? AND s.status = 'pending'", email))!;
  expect((await pendingSets()).n).toBe(1);

  // Another view of the settings page (here: a second tab) begins a new view. Rendering it writes
  // nothing: the pending row stays, but it belongs to a view that is over …
  const tab = await context.newPage();
  await tab.goto("/settings/security");
  await expect(recoverySection(tab).getByText(/you have no recovery codes/i)).toBeVisible();
  expect((await pendingSets()).n).toBe(1);
  await tab.close();

  // … so the codes still on the first tab can no longer be confirmed, and the refused confirm
  // discards them.
  await page.getByRole("checkbox", { name: /^i have saved these codes$/i }).check();
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /expired/i })).toBeVisible();
  expect(await sqlGet("SELECT count(*) AS n FROM recovery_code_sets s JOIN users u ON u.id = s.user_id WHERE u.email = ?", email)).toEqual({ n: 0 });
});

test("with few codes left a new set is offered after sign-in; with none it is asked for first", async ({ page }) => {
  test.setTimeout(90_000);
  const { email } = await accountWithTotp(page, "rc-low");
  const codes = await createConfirmedCodes(page);
  // Spend codes 1–7 directly: seven sign-ins would test nothing new.
  const spent = await sqlRun(
    "UPDATE recovery_codes SET used_at = ? WHERE position <= 7 AND set_id IN (SELECT s.id FROM recovery_code_sets s JOIN users u ON u.id = s.user_id WHERE u.email = ?)",
    Date.now() - 60_000,
    email,
  );
  expect(spent).toBe(7);

  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[7]);
  await expect(page).toHaveURL(/\/login\/2fa\/recovery-code-used/);
  await expect(page.getByText(/2 recovery codes left/i)).toBeVisible();
  await expect(page.getByRole("button", { name: /^generate new recovery codes$/i })).toBeVisible();
  await page.getByRole("link", { name: /not now, continue/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);

  expect(
    await sqlRun(
      "UPDATE recovery_codes SET used_at = ? WHERE position = 9 AND set_id IN (SELECT s.id FROM recovery_code_sets s JOIN users u ON u.id = s.user_id WHERE u.email = ?)",
      Date.now() - 60_000,
      email,
    ),
  ).toBe(1);
  await signOut(page);
  await signIn(page, email, PASSWORD);
  await submitRecoveryCode(page, codes[9]);
  await expect(page.getByText(/that was your last recovery code/i)).toBeVisible();
  await expect(page.getByText(/generate a new set before you continue/i)).toBeVisible();
  const fresh = await generateCodes(page);
  await confirmCodes(page);
  await expect(page.getByText(/you have 10 new recovery codes/i)).toBeVisible();
  await page.getByRole("link", { name: /^continue$/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  expect(await codesFoundInDatabase([...codes, ...fresh])).toEqual([]);
});

test("removing the last second factor deletes the codes", async ({ page }) => {
  const { email } = await accountWithTotp(page, "rc-remove");
  await createConfirmedCodes(page);
  await removeFactor(page, page.getByRole("region", { name: "Authenticator apps" }).getByRole("button", { name: /^remove/i }), /recovery codes \(10 left\) are deleted/i);
  await expect(page.getByRole("status").filter({ hasText: /recovery codes were deleted/i })).toBeVisible();
  await expect(recoverySection(page).getByText(/set up an authenticator app or a security key first/i)).toBeVisible();
  await expect(recoverySection(page).getByRole("button", { name: /generate new recovery codes/i })).toHaveCount(0);
  expect(await sqlGet("SELECT count(*) AS n FROM recovery_code_sets s JOIN users u ON u.id = s.user_id WHERE u.email = ?", email)).toEqual({ n: 0 });
  expect(await securityEventTypes(email)).toContain("recovery_codes.deleted");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("generate, download and confirm with plain HTML forms", async ({ page }) => {
    test.setTimeout(60_000);
    const { email } = await accountWithTotp(page, "rc-nojs");
    const codes = await generateCodes(page);
    const section = recoverySection(page);
    await expect(section.getByRole("button", { name: /^copy$/i })).toBeDisabled();
    await expect(section.getByRole("button", { name: /^print$/i })).toBeDisabled();
    const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: /^download$/i }).click()]);
    expect(download.suggestedFilename()).toBe(`twofold-recovery-codes-${email}.txt`);
    const text = readFileSync(await download.path(), "utf8");
    for (const code of codes) expect(text).toContain(code);

    await page.getByRole("button", { name: /^confirm$/i }).click();
    await expect(page.getByText(/tick the box/i)).toBeVisible();
    expect(await readShownCodes(page)).toEqual(codes);
    await confirmCodes(page);
    await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();

    await signOut(page);
    await signIn(page, email, PASSWORD);
    await submitRecoveryCode(page, codes[0]);
    await expect(page.getByText(/9 recovery codes left/i)).toBeVisible();
    expect(methods((await getSession(page)).body)).toEqual(["password", "lookup_secret"]);
  });
});

test("50 parallel uses of one code: exactly one succeeds", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const { email } = await accountWithTotp(page, "rc-race");
  const codes = await createConfirmedCodes(page);
  await signOut(page);

  // 50 half-signed-in sessions, each its own cookie jar and client IP, signed in through the real
  // sign-in form as a browser without JavaScript posts it.
  const origin = new URL(baseURL!).origin;
  const clients: APIRequestContext[] = [];
  const newClient = () => playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin, "x-forwarded-for": nextClientIp(9) } });
  try {
    const probe = await newClient();
    clients.push(probe);
    const loginFields = await noJsFormFields(probe, "/login", 'name="password"');
    for (let i = 0; i < 50; i++) {
      const client = i === 0 ? probe : await newClient();
      if (i > 0) clients.push(client);
      const res = await client.post("/login", { multipart: { ...loginFields, email, password: PASSWORD }, maxRedirects: 0 });
      expect(res.status(), `sign-in ${i}`).toBe(303);
      expect(res.headers().location).toMatch(/\/login\/2fa/);
    }
    const stepFields = await noJsFormFields(clients[0], "/login/2fa?method=lookup_secret", 'name="code"');
    expect(Object.keys(stepFields).some((k) => k.startsWith("$ACTION"))).toBe(true);

    const responses = await Promise.all(
      clients.map((client) =>
        client.post("/login/2fa?method=lookup_secret", { multipart: { ...stepFields, code: codes[3] }, maxRedirects: 0 }),
      ),
    );
    const redirectedToSuccess = responses.filter((r) => r.status() === 303 && /recovery-code-used/.test(r.headers().location ?? ""));
    expect(redirectedToSuccess).toHaveLength(1);

    const levels = await Promise.all(clients.map(async (client) => (await getSession(client)).body.session.aal));
    expect(levels.filter((aal) => aal === "aal2")).toHaveLength(1);
    expect(levels.filter((aal) => aal === "aal1")).toHaveLength(49);
    const used = await sqlAll(
      "SELECT c.position FROM recovery_codes c JOIN recovery_code_sets s ON s.id = c.set_id JOIN users u ON u.id = s.user_id WHERE u.email = ? AND c.used_at IS NOT NULL",
      email,
    );
    expect(used).toEqual([{ position: 4 }]);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
});
