import { expect, test } from "./support/fixtures";
import { ageActivity, ageAuthentication, securityEventTypes } from "./support/db";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "a long and quiet river";

test("revoking a session signs the other browser out on its next request", async ({ page, browser }) => {
  const email = uniqueEmail("revoke");
  await signUp(page, email, PASSWORD);

  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.200.0.7" } });
  const otherPage = await other.newPage();
  await signIn(otherPage, email, PASSWORD);
  expect((await getSession(otherPage)).status).toBe(200);

  await page.goto("/settings/security");
  const sessions = page.getByRole("region", { name: "Sessions" });
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions.getByText("10.200.0.7")).toBeVisible();
  await expect(sessions.getByRole("listitem").filter({ hasText: "This device" })).toContainText("Active now");
  await expect(sessions.getByRole("listitem").filter({ hasText: "10.200.0.7" })).toContainText(/ on Linux.*Signed in from 10\.200\.0\.7.*Last active/s);
  await sessions.getByRole("button", { name: /^revoke .+ on linux session$/i }).click();

  // Nothing ends before the confirmation, which restates the session; Cancel keeps it.
  await expect(page).toHaveURL(/\/settings\/security\/sessions\?revoke=/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign out this session?");
  await expect(page.getByRole("region", { name: "Session to sign out" })).toContainText("10.200.0.7");
  expect((await getSession(otherPage)).status).toBe(200);
  await page.getByRole("link", { name: /^cancel$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security#sessions-title$/);
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  expect((await getSession(otherPage)).status).toBe(200);

  await sessions.getByRole("button", { name: /^revoke/i }).click();
  await page.getByRole("region", { name: "Session to sign out" }).getByRole("button", { name: /^revoke$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security\?notice=session-revoked$/);
  await expect(page.getByText(/that session was signed out/i)).toBeVisible();
  await expect(sessions.getByRole("listitem")).toHaveCount(1);

  expect((await getSession(otherPage)).status).toBe(401);
  await otherPage.goto("/");
  await expect(otherPage).toHaveURL(/\/login$/);
  expect(await securityEventTypes(email)).toContain("session.revoked");
  await other.close();
});

test("sign out other sessions keeps only this one", async ({ page, browser }) => {
  const email = uniqueEmail("others");
  await signUp(page, email, PASSWORD);
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  for (const [i, context] of contexts.entries()) {
    await context.setExtraHTTPHeaders({ "x-forwarded-for": `10.201.0.${i + 1}` });
    await signIn(await context.newPage(), email, PASSWORD);
  }
  await page.goto("/settings/security");
  await page.getByRole("button", { name: /sign out other sessions/i }).click();
  // The confirmation lists the sessions that end; until it is confirmed they all stay.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign out all other sessions?");
  const listed = page.getByRole("list", { name: "Sessions to sign out" });
  await expect(listed.getByRole("listitem")).toHaveCount(2);
  await expect(listed).toContainText("10.201.0.1");
  await expect(listed).toContainText("10.201.0.2");
  for (const context of contexts) expect((await getSession(context.request)).status).toBe(200);
  await page.getByRole("button", { name: /^sign out other sessions$/i }).click();
  await expect(page.getByText(/all other sessions were signed out/i)).toBeVisible();
  for (const context of contexts) {
    expect((await getSession(context.request)).status).toBe(401);
    await context.close();
  }
  expect((await getSession(page)).status).toBe(200);
});

test("the confirmation pages check what they are asked: this session, an ended one, another account's, none left", async ({ page, browser }) => {
  const email = uniqueEmail("confirm-guard");
  await signUp(page, email, PASSWORD);
  const own = (await getSession(page)).body.session.id;
  await page.goto(`/settings/security/sessions?revoke=${own}`);
  await expect(page).toHaveURL(/notice=session-current$/);
  await expect(page.getByText("To end this session, use Sign out.")).toBeVisible();
  await page.goto("/settings/security/sessions?revoke=no-such-session");
  await expect(page.getByText(/that session had already ended/i)).toBeVisible();
  await page.goto("/settings/security/sessions?sign_out=others");
  await expect(page.getByText("No other session is signed in.")).toBeVisible();
  await page.goto("/settings/security/sessions?sign_out=everyone");
  await expect(page).toHaveURL(/\/settings\/security\?notice=session-missing$/);

  // Another account's session is not this account's to see or end.
  const stranger = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.202.0.9" } });
  const strangerPage = await stranger.newPage();
  await signUp(strangerPage, uniqueEmail("confirm-stranger"), PASSWORD);
  const theirs = (await getSession(strangerPage)).body.session.id;
  await page.goto(`/settings/security/sessions?revoke=${theirs}`);
  await expect(page.getByText(/that session had already ended/i)).toBeVisible();
  expect((await getSession(strangerPage)).status).toBe(200);
  await stranger.close();

  // Signed out: the page sends the browser to sign in first, and back here after.
  const anonymous = await browser.newContext();
  const refused = await anonymous.request.get("/settings/security/sessions?sign_out=others", { maxRedirects: 0 });
  expect(refused.status()).toBeGreaterThanOrEqual(300);
  expect(refused.status()).toBeLessThan(400);
  expect(refused.headers().location).toMatch(/\/login/);
  await anonymous.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("Revoke and Sign out other sessions confirm on a page of their own, then end the sessions", async ({ page, browser }) => {
    const email = uniqueEmail("nojs-sessions");
    await signUp(page, email, PASSWORD);
    const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
    for (const [i, context] of contexts.entries()) {
      await context.setExtraHTTPHeaders({ "x-forwarded-for": `10.203.0.${i + 1}` });
      await signIn(await context.newPage(), email, PASSWORD);
    }
    await page.goto("/settings/security");
    const sessions = page.getByRole("region", { name: "Sessions" });
    await expect(sessions.getByRole("listitem")).toHaveCount(4);
    await sessions.getByRole("listitem").filter({ hasText: "10.203.0.1" }).getByRole("button", { name: /^revoke/i }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign out this session?");
    await expect(page.getByRole("region", { name: "Session to sign out" })).toContainText("10.203.0.1");
    await page.getByRole("button", { name: /^revoke$/i }).click();
    await expect(page.getByText(/that session was signed out/i)).toBeVisible();
    expect((await getSession(contexts[0]!.request)).status).toBe(401);
    expect((await getSession(contexts[1]!.request)).status).toBe(200);

    await sessions.getByRole("button", { name: /^sign out other sessions$/i }).click();
    await expect(page.getByRole("list", { name: "Sessions to sign out" }).getByRole("listitem")).toHaveCount(2);
    await page.getByRole("link", { name: /^cancel$/i }).click();
    await expect(sessions.getByRole("listitem")).toHaveCount(3);
    await sessions.getByRole("button", { name: /^sign out other sessions$/i }).click();
    await page.getByRole("button", { name: /^sign out other sessions$/i }).click();
    await expect(page.getByText(/all other sessions were signed out/i)).toBeVisible();
    await expect(sessions.getByRole("listitem")).toHaveCount(1);
    for (const context of contexts) {
      expect((await getSession(context.request)).status).toBe(401);
      await context.close();
    }
    expect((await getSession(page)).status).toBe(200);
  });
});

test("a stale session re-authenticates and lands back on the settings page", async ({ page, context }) => {
  const email = uniqueEmail("stale");
  await signUp(page, email, PASSWORD);
  const before = await getSession(page);
  const cookieBefore = (await context.cookies()).find((c) => c.name === "twofold.session")!.value;

  await ageAuthentication(before.body.session.id, 16 * 60);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true&return_to=%2Fsettings%2Fsecurity$/);
  await expect(page.getByRole("heading", { name: /confirm it's you/i })).toBeVisible();
  await expect(page).toHaveTitle(/^Confirm it's you/);
  // The account is named, not asked for: only the password is.
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(page.getByLabel(EMAIL_LABEL)).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^use a passkey$/i })).toBeVisible();

  await page.getByLabel(PASSWORD_LABEL).fill("not my password");
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page.getByText("Incorrect password.")).toBeVisible();

  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByRole("heading", { name: "Security settings" })).toBeVisible();

  const after = await getSession(page);
  expect(after.body.session.id).toBe(before.body.session.id);
  expect(after.body.session.amr.map((e: { method: string }) => e.method)).toEqual(["password", "password"]);
  expect(Date.parse(after.body.session.authenticated_at)).toBeGreaterThan(Date.parse(before.body.session.authenticated_at));
  // The token changed at re-authentication: the old cookie value is dead.
  const cookieAfter = (await context.cookies()).find((c) => c.name === "twofold.session")!.value;
  expect(cookieAfter).not.toBe(cookieBefore);
  const stale = await page.request.get("/api/session", { headers: { cookie: `twofold.session=${cookieBefore}` } });
  expect(stale.status()).toBe(401);
  expect(await securityEventTypes(email)).toContain("reauth.succeeded");
});

test("server actions behind the gate re-check the privileged window", async ({ page }) => {
  const email = uniqueEmail("gate");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const { body } = await getSession(page);
  // The page was rendered while privileged; the window closes before the form is submitted.
  await ageAuthentication(body.session.id, 16 * 60);
  await page.getByRole("button", { name: /set up authenticator app/i }).click();
  await expect(page).toHaveURL(/\/login\?refresh=true/);
});

test("an idle session ends", async ({ page }) => {
  const email = uniqueEmail("idle");
  await signUp(page, email, PASSWORD);
  const { body } = await getSession(page);
  await ageActivity(body.session.id, 3601);
  expect((await getSession(page)).status).toBe(401);
});
