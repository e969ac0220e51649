import { expect, test } from "./support/fixtures";
import { ageAuthentication, securityEventTypes, sqlGet, sqlRun } from "./support/db";
import { removeFactor } from "./support/totp-session";
import {
  addSecurityKey,
  addVirtualAuthenticator,
  credentialsOf,
  removeVirtualAuthenticator,
} from "./support/webauthn";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "the kettle sings at dawn";
const methods = (body: { session: { amr: Array<{ method: string }> } }) => body.session.amr.map((e) => e.method);

/** Without autofill, so the button is what signs in (autofill has its own test). */
const withoutAutofill = () => {
  PublicKeyCredential.isConditionalMediationAvailable = async () => false;
};

test("register two named keys, then sign in with password and a key", async ({ page, context }) => {
  const email = uniqueEmail("keys");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const keys = page.getByRole("region", { name: "Security keys" });

  const first = await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Blue key");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  await expect(keys.getByRole("listitem").filter({ hasText: "Blue key" })).toBeVisible();
  expect(await credentialsOf(first)).toHaveLength(1);

  // The same authenticator can't be registered twice (excludeCredentials).
  await addSecurityKey(page, "Blue key again");
  await expect(keys.getByRole("alert").filter({ hasText: /already registered/i })).toBeVisible();
  expect(await credentialsOf(first)).toHaveLength(1);

  await removeVirtualAuthenticator(first);
  const second = await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Backup key");
  await expect(keys.getByRole("listitem").filter({ hasText: "Backup key" })).toBeVisible();
  await expect(keys.getByRole("listitem")).toHaveCount(2);
  expect((await getSession(page)).body.available_aal).toBe("aal2");

  await page.getByRole("button", { name: /^sign out$/i }).click();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await page.getByRole("button", { name: /^use a security key$/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);

  const session = await getSession(page);
  expect(session.body).toMatchObject({ available_aal: "aal2", session: { aal: "aal2" } });
  expect(methods(session.body)).toEqual(["password", "webauthn"]);
  expect((await credentialsOf(second))[0].signCount).toBeGreaterThan(0);
  expect(await securityEventTypes(email)).toEqual(expect.arrayContaining(["webauthn.added", "second_factor.succeeded"]));
});

test("a key name with a bidi override or a line separator is refused", async ({ page, context }) => {
  await signUp(page, uniqueEmail("key-name"), PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await addVirtualAuthenticator(context, page, "security-key");
  const keys = page.getByRole("region", { name: "Security keys" });
  // (A text input drops typed line feeds itself; U+2028 is a line break it keeps.)
  for (const name of ["Backup\u202e yek", "Backup\u2028Added by support"]) {
    await page.goto("/settings/security");
    await expect(keys.getByText(/no line breaks or invisible characters/i)).toHaveCount(0);
    await addSecurityKey(page, name);
    await expect(keys.getByText(/no line breaks or invisible characters/i)).toBeVisible();
    await expect(keys.getByRole("listitem")).toHaveCount(0);
  }
  expect(await credentialsOf(authenticator)).toHaveLength(0);
  await addSecurityKey(page, "Clé de Zoë 🔑");
  await expect(keys.getByRole("listitem").filter({ hasText: "Clé de Zoë 🔑" })).toBeVisible();
});

test("rename a key", async ({ page, context }) => {
  await signUp(page, uniqueEmail("rename"), PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Old name");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  const keys = page.getByRole("region", { name: "Security keys" });
  await keys.getByText("Rename").click();
  await keys.getByLabel(/new name for old name/i).fill("New name");
  await keys.getByRole("button", { name: /save name/i }).click();
  await expect(keys.getByRole("listitem").filter({ hasText: "New name" })).toBeVisible();
  await expect(keys.getByText("Old name")).toHaveCount(0);
});

async function signUpWithPasskey(page: import("@playwright/test").Page, context: import("@playwright/test").BrowserContext, email: string) {
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "passkey");
  await addSecurityKey(page, "This laptop");
  const keys = page.getByRole("region", { name: "Security keys" });
  await expect(keys.getByRole("listitem").filter({ hasText: "This laptop" }).getByText(/passkey/i)).toBeVisible();
  await page.getByRole("button", { name: /^sign out$/i }).click();
}

test("a passkey signs in without a password, at aal2", async ({ page, context }) => {
  const email = uniqueEmail("passkey");
  await page.addInitScript(withoutAutofill);
  await signUpWithPasskey(page, context, email);
  await page.goto("/login");
  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  const session = await getSession(page);
  expect(session.body).toMatchObject({ user: { email }, available_aal: "aal2", session: { aal: "aal2" } });
  expect(methods(session.body)).toEqual(["webauthn"]);
  expect(Date.parse(session.body.session.privileged_until)).toBeGreaterThan(Date.now());
});

test("passkey autofill on the email field (conditional mediation) signs in", async ({ page, context }) => {
  const email = uniqueEmail("autofill");
  await signUpWithPasskey(page, context, email);
  // The page starts a conditional request as it loads; the virtual authenticator answers it the
  // way a user picking the passkey from the email field's autofill would.
  await page.goto("/login");
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  expect(methods((await getSession(page)).body)).toEqual(["webauthn"]);
});

test("a passkey sign-in in a browser already signed in as that user adds nothing to its session", async ({ page, context }) => {
  const email = uniqueEmail("signed-in");
  await page.addInitScript(withoutAutofill);
  await signUpWithPasskey(page, context, email);
  await page.goto("/login");
  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  const signedIn = await getSession(page);
  expect(methods(signedIn.body)).toEqual(["webauthn"]);

  // A /login page rendered while signed out (another tab, or one whose autofill ceremony began
  // before the sign-in finished) answers after this browser got its session.
  const sessionCookie = (await context.cookies()).filter((c) => c.name.endsWith("twofold.session"));
  expect(sessionCookie).toHaveLength(1);
  await context.clearCookies();
  await page.goto("/login");
  await expect(page.getByRole("button", { name: /sign in with a passkey/i })).toBeVisible();
  await context.addCookies(sessionCookie);
  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  const after = await getSession(page);
  expect(after.body.session.id).toBe(signedIn.body.session.id);
  expect(methods(after.body)).toEqual(["webauthn"]);
  expect(await securityEventTypes(email)).not.toContain("reauth.succeeded");
});

test("a passkey sign-in lifts the account's password lock and second-factor counter", async ({ page, context }) => {
  const email = uniqueEmail("unlock");
  await page.addInitScript(withoutAutofill);
  await signUpWithPasskey(page, context, email);
  const { id: userId } = (await sqlGet<{ id: string }>("SELECT id FROM users WHERE email = ?", email))!;
  const now = Date.now();
  const seed = (bucket: string, key: string) =>
    sqlRun(
      `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES (?, ?, 100, ?, NULL, ?)
       ON CONFLICT (bucket, key) DO UPDATE SET attempts = excluded.attempts, window_started_at = excluded.window_started_at,
         locked_until = NULL, last_attempt_at = excluded.last_attempt_at`,
      bucket,
      key,
      now,
      now,
    );
  await seed("signInAccount", email);
  await seed("secondFactorAccount", userId);
  const counter = (bucket: string, key: string) => sqlGet("SELECT attempts FROM rate_limits WHERE bucket = ? AND key = ?", bucket, key);

  await page.goto("/login");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /password sign-in is paused/i })).toBeVisible();
  expect(await counter("signInAccount", email)).toEqual({ attempts: 100 });

  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  expect(await counter("signInAccount", email)).toBeUndefined();
  expect(await counter("secondFactorAccount", userId)).toBeUndefined();

  // The password works again (and asks for the second factor, as the account has one).
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/2fa$/);
});

test("a removed key is refused at sign-in", async ({ page, context }) => {
  const email = uniqueEmail("removed");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "passkey");
  await addSecurityKey(page, "Old phone");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  const keys = page.getByRole("region", { name: "Security keys" });
  await removeFactor(page, keys.getByRole("button", { name: /remove old phone/i }), /two-step verification turns off/i);
  await expect(page.getByRole("status").filter({ hasText: /security key removed/i })).toBeVisible();
  await expect(keys.getByRole("listitem")).toHaveCount(0);
  expect((await getSession(page)).body.available_aal).toBe("aal1");

  await page.getByRole("button", { name: /^sign out$/i }).click();
  await page.goto("/login");
  // The authenticator still holds the passkey; the server no longer knows it.
  await page.getByRole("button", { name: /sign in with a passkey/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /couldn't be used to sign in/i })).toBeVisible();
  expect((await getSession(page)).status).toBe(401);
  expect(await securityEventTypes(email)).toContain("webauthn.removed");
});

test("a cancelled ceremony and a browser without WebAuthn get clear messages", async ({ page, context }) => {
  const email = uniqueEmail("cancel");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Key");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  await page.getByRole("button", { name: /^sign out$/i }).click();

  // The user dismisses the browser's prompt: the browser rejects with NotAllowedError.
  await page.addInitScript(() => {
    navigator.credentials.get = () => Promise.reject(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"));
  });
  await signIn(page, email, PASSWORD);
  await page.getByRole("button", { name: /^use a security key$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /cancelled or timed out/i })).toBeVisible();
  await expect(page.getByRole("button", { name: /^use a security key$/i })).toBeEnabled();
  expect((await getSession(page)).body.session.aal).toBe("aal1");

  const bare = await context.browser()!.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.204.0.4" } });
  const barePage = await bare.newPage();
  await barePage.addInitScript(() => {
    // @ts-expect-error simulate a browser without WebAuthn
    delete window.PublicKeyCredential;
  });
  await signIn(barePage, email, PASSWORD);
  await barePage.getByRole("button", { name: /^use a security key$/i }).click();
  await expect(barePage.getByRole("alert").filter({ hasText: /can't use security keys/i })).toBeVisible();
  await bare.close();
});

test("re-authentication accepts a security key as the second factor, or a passkey alone", async ({ page, context }) => {
  const email = uniqueEmail("key-refresh");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await addVirtualAuthenticator(context, page, "passkey");
  await addSecurityKey(page, "Laptop");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();

  // Password + key.
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
  await page.getByLabel(/^password$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/login\/2fa\?return_to=%2Fsettings%2Fsecurity$/);
  await page.getByRole("button", { name: /^use a security key$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  expect(methods((await getSession(page)).body).slice(-2)).toEqual(["password", "webauthn"]);

  // The passkey alone: both factors in one step.
  await ageAuthentication((await getSession(page)).body.session.id, 16 * 60);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
  await page.getByRole("button", { name: /^use a passkey$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  const after = await getSession(page);
  expect(methods(after.body).slice(-1)).toEqual(["webauthn"]);
  expect(Date.parse(after.body.session.privileged_until)).toBeGreaterThan(Date.now() + 14 * 60_000);
});
