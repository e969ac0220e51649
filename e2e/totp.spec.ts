import { expect, test } from "./support/fixtures";
import { ageAuthentication, securityEventTypes, sqlGet } from "./support/db";
import { enrolTotp, passTotpStep, removeFactor, submitAndSettle } from "./support/totp-session";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "seven silver spoons shine";
const methods = (body: { session: { amr: Array<{ method: string }> } }) => body.session.amr.map((e) => e.method);

test("enrol an authenticator app, then sign in with password and code", async ({ page }) => {
  const email = uniqueEmail("totp");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  const section = page.getByRole("region", { name: "Authenticator apps" });
  await expect(section.getByRole("button", { name: /^remove authenticator app$/i })).toBeVisible();

  // The enrolling session proved the app and stays at the account's level.
  const enrolled = await getSession(page);
  expect(enrolled.body).toMatchObject({ available_aal: "aal2", session: { aal: "aal2" } });
  expect(methods(enrolled.body)).toEqual(["password", "totp"]);

  // Secret at rest is encrypted: the setup key appears nowhere in the database file's rows.
  const row = (await sqlGet<{ c: string }>("SELECT t.secret_ciphertext AS c FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = ?", email))!;
  expect(row.c).toMatch(/^v1\.[0-9a-f]{8}\./);
  expect(row.c).not.toContain(authenticator.secret);

  await page.getByRole("button", { name: /^sign out$/i }).click();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa$/);

  // Half signed in: whoami says aal1 of an aal2 account; every page sends back to the step.
  const half = await getSession(page);
  expect(half.status).toBe(200);
  expect(half.body).toMatchObject({ available_aal: "aal2", session: { aal: "aal1" } });
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\/2fa\?return_to=%2Fsettings%2Fsecurity$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\/2fa$/);

  await page.getByLabel(/authentication code/i).fill("000000");
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();

  const cookieBefore = (await page.context().cookies()).find((c) => c.name === "twofold.session")!.value;
  // Codes may be typed with a space in the middle.
  const code = await authenticator.freshCode();
  await page.getByLabel(/authentication code/i).fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);

  const full = await getSession(page);
  expect(full.body).toMatchObject({ available_aal: "aal2", session: { aal: "aal2" } });
  expect(methods(full.body)).toEqual(["password", "totp"]);
  expect(Date.parse(full.body.session.amr[1].completed_at)).toBeGreaterThanOrEqual(Date.parse(full.body.session.amr[0].completed_at));
  const cookieAfter = (await page.context().cookies()).find((c) => c.name === "twofold.session")!.value;
  expect(cookieAfter).not.toBe(cookieBefore);
  expect(await securityEventTypes(email)).toEqual(expect.arrayContaining(["totp.enabled", "second_factor.failed", "second_factor.succeeded"]));
});

test("a code accepted once is refused in another browser", async ({ page, browser }) => {
  const email = uniqueEmail("replay");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await page.getByRole("button", { name: /^sign out$/i }).click();

  await signIn(page, email, PASSWORD);
  await passTotpStep(page, authenticator);
  const used = authenticator.lastCode();

  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.202.0.9" } });
  const otherPage = await other.newPage();
  await signIn(otherPage, email, PASSWORD);
  await otherPage.getByLabel(/authentication code/i).fill(used);
  await otherPage.getByRole("button", { name: /^verify$/i }).click();
  await expect(otherPage.getByRole("alert").filter({ hasText: /already used/i })).toBeVisible();
  expect((await getSession(otherPage)).body.session.aal).toBe("aal1");
  expect(await securityEventTypes(email)).toContain("totp.replay_refused");
  await other.close();
});

test("wrong codes throttle the second factor, even for a right code", async ({ page, context, browser, clientIp }) => {
  const email = uniqueEmail("totp-throttle");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await signIn(page, email, PASSWORD);

  const submit = async (code: string) => {
    await page.getByLabel(/authentication code/i).fill(code);
    await submitAndSettle(page, page.getByRole("button", { name: /^verify$/i }));
    // Filtered: Next.js' route announcer is an alert region too.
    const alert = page.getByRole("alert").filter({ hasText: /isn't valid|too many/i });
    await expect(alert).toBeVisible();
    return alert.innerText();
  };
  // Wrong codes that can't collide with the real one.
  const real = [await authenticator.freshCode()];
  const wrong = (i: number) => String((Number(real[0]) + 1000 + i * 7919) % 1_000_000).padStart(6, "0");
  for (let i = 0; i < 4; i++) expect(await submit(wrong(i))).toMatch(/isn't valid/i);
  // The fifth starts the pause: Verify waits, with a countdown.
  await page.getByLabel(/authentication code/i).fill(wrong(4));
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid.*too many attempts/i })).toBeVisible();
  await expect(page.getByRole("button", { name: /^verify$/i })).toBeDisabled();
  // The server refuses even the right code meanwhile: posted without JavaScript, in the same session.
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState(), extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const noJs = await plain.newPage();
  await noJs.goto("/login/2fa");
  await noJs.getByLabel(/authentication code/i).fill(real[0]);
  await noJs.getByRole("button", { name: /^verify$/i }).click();
  await expect(noJs.getByRole("alert").filter({ hasText: /too many attempts\..*try again in \d+ (seconds|minute)/i })).toBeVisible();
  expect((await getSession(noJs)).body.session.aal).toBe("aal1");
  await plain.close();
  expect(await securityEventTypes(email)).toContain("second_factor.throttled");
});

test("re-authentication of a 2FA account asks for password and code, then returns", async ({ page }) => {
  const email = uniqueEmail("totp-refresh");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);

  const { body } = await getSession(page);
  await ageAuthentication(body.session.id, 16 * 60);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true&return_to=%2Fsettings%2Fsecurity$/);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();

  // The password alone is not enough: the settings page still needs the second factor.
  await expect(page).toHaveURL(/\/login\/2fa\?return_to=%2Fsettings%2Fsecurity$/);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
  await page.goto("/login/2fa?return_to=%2Fsettings%2Fsecurity");
  await passTotpStep(page, authenticator);
  await expect(page).toHaveURL(/\/settings\/security$/);

  const after = await getSession(page);
  expect(methods(after.body)).toEqual(["password", "totp", "password", "totp"]);
  expect(Date.parse(after.body.session.privileged_until)).toBeGreaterThan(Date.now() + 14 * 60_000);
});

test("remove the authenticator app: the account is back to aal1", async ({ page }) => {
  const email = uniqueEmail("totp-remove");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  const section = page.getByRole("region", { name: "Authenticator apps" });
  await removeFactor(page, section.getByRole("button", { name: /^remove authenticator app$/i }), /two-step verification turns off/i);
  await expect(page.getByRole("status").filter({ hasText: /authenticator app removed/i })).toBeVisible();
  await expect(section.getByRole("button", { name: /set up authenticator app/i })).toBeVisible();

  // This session was aal2 and keeps working; the account now only offers aal1.
  const kept = await getSession(page);
  expect(kept.body).toMatchObject({ available_aal: "aal1", session: { aal: "aal2" } });
  expect(await securityEventTypes(email)).toContain("totp.removed");

  await page.getByRole("button", { name: /^sign out$/i }).click();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  expect((await getSession(page)).body.session.aal).toBe("aal1");
});

test("the second-factor step works without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "x-forwarded-for": "10.203.0.3" } });
  const page = await context.newPage();
  const email = uniqueEmail("totp-nojs");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");
  await context.close();
});
