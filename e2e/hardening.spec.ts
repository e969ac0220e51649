// The seams between features, driven as a browser would: what a session's times say, what adding a
// factor may not renew, how long a half sign-in lives, and where runs of failures stop.
import { expect, test } from "./support/fixtures";
import { runAdmin } from "./support/admin";
import { ageAuthentication, securityEventTypes, sqlAll, sqlGet, sqlRun } from "./support/db";
import { waitForMail } from "./support/mail";
import { enrolTotp, passTotpStep, submitAndSettle, type Authenticator } from "./support/totp-session";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";
import type { Page } from "@playwright/test";

const PASSWORD = "eleven quiet lanterns glow";

// Each TOTP step is accepted once, so a test that needs several codes may wait for the next step.
test.describe.configure({ timeout: 120_000 });

async function totpAccount(page: Page, prefix: string): Promise<{ email: string; authenticator: Authenticator }> {
  const email = uniqueEmail(prefix);
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  const authenticator = await enrolTotp(page);
  await page.getByRole("button", { name: /^sign out$/i }).click();
  return { email, authenticator };
}

async function userId(email: string): Promise<string> {
  return (await sqlGet<{ id: string }>("SELECT id FROM users WHERE email = ?", email))!.id;
}

/** Sets a per-account counter as if `attempts` attempts had failed in a row (no lock pending). */
async function seedFailures(bucket: "signInAccount" | "secondFactorAccount", key: string, attempts: number): Promise<void> {
  const now = Date.now();
  await sqlRun(
    `INSERT INTO rate_limits (bucket, key, attempts, window_started_at, locked_until, last_attempt_at) VALUES (?, ?, ?, ?, NULL, ?)
     ON CONFLICT (bucket, key) DO UPDATE SET attempts = excluded.attempts, locked_until = NULL`,
    bucket,
    key,
    attempts,
    now - 86_400_000,
    now - 60_000,
  );
}

const wrongCode = (real: string) => String((Number(real) + 500_000) % 1_000_000).padStart(6, "0");

test("a fresh sign-in is not authenticated until its second step: no authenticated_at, never privileged", async ({ page }) => {
  const { email, authenticator } = await totpAccount(page, "half");
  await signIn(page, email, PASSWORD);
  const half = await getSession(page);
  expect(half.body.session).toMatchObject({ aal: "aal1", authenticated_at: null, privileged_until: null });
  await passTotpStep(page, authenticator);
  const full = (await getSession(page)).body.session;
  expect(full.aal).toBe("aal2");
  expect(Date.parse(full.privileged_until) - Date.parse(full.authenticated_at)).toBe(900_000);
  expect(Date.parse(full.authenticated_at)).toBeGreaterThanOrEqual(Date.parse(full.amr[1].completed_at));
});

test("adding a factor appends to the AMR but renews neither the privileged window nor the session's lifetime", async ({ page }) => {
  const email = uniqueEmail("enrol-renew");
  await signUp(page, email, PASSWORD);
  const start = (await getSession(page)).body.session;
  // Ten minutes into the fifteen-minute window: still privileged, so the settings open.
  await ageAuthentication(start.id, 600);
  const aged = (await getSession(page)).body.session;
  await page.goto("/settings/security");
  await enrolTotp(page);

  const after = (await getSession(page)).body.session;
  expect(after.amr.map((e: { method: string }) => e.method)).toEqual(["password", "totp"]);
  expect(after.authenticated_at).toBe(aged.authenticated_at);
  expect(after.privileged_until).toBe(aged.privileged_until);
  expect(after.expires_at).toBe(start.expires_at);

  // Once the window has passed, the settings ask to confirm it's you: enrolling bought nothing.
  await ageAuthentication(start.id, 301);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login\?refresh=true/);
});

test("re-authenticating restarts the privileged window but never the session's absolute lifetime", async ({ page }) => {
  const email = uniqueEmail("reauth-lifetime");
  await signUp(page, email, PASSWORD);
  const start = (await getSession(page)).body.session;
  await ageAuthentication(start.id, 1000);
  await page.goto("/settings/security");
  await expect(page).toHaveURL(/refresh=true/);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  const after = (await getSession(page)).body.session;
  expect(Date.parse(after.authenticated_at)).toBeGreaterThan(Date.parse(start.authenticated_at));
  expect(after.expires_at).toBe(start.expires_at);
});

test("a second step not finished within 10 minutes ends the half session; /login/2fa says to start again", async ({ page }) => {
  const { email, authenticator } = await totpAccount(page, "lapse");
  await signIn(page, email, PASSWORD);
  const half = (await getSession(page)).body.session;
  expect(await sqlRun("UPDATE sessions SET second_factor_due_since = second_factor_due_since - ? WHERE id = ?", 601_000, half.id)).toBe(1);

  // Kept alive or not, the half session is over: whoami, pages and the step all refuse it.
  expect((await getSession(page)).status).toBe(401);
  await page.goto("/login/2fa");
  await expect(page.getByRole("heading", { name: /sign-in expired/i })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: /start again/i })).toBeVisible();
  expect(await sqlGet("SELECT count(*) AS n FROM sessions WHERE id = ?", half.id)).toEqual({ n: 0 });

  // Starting again works as ever.
  await page.getByRole("link", { name: /sign in again/i }).click();
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await passTotpStep(page, authenticator);
  expect((await getSession(page)).body.session.aal).toBe("aal2");
});

test("second-factor failures count since the last success: mail at 10, locked at 100, operator unlock", async ({ page }) => {
  const { email, authenticator } = await totpAccount(page, "sf-cap");
  const id = await userId(email);
  await signIn(page, email, PASSWORD);

  // The tenth failure in a row, however long the run took: the owner is told.
  await seedFailures("secondFactorAccount", id, 9);
  await page.getByLabel(/authentication code/i).fill(wrongCode(authenticator.lastCode()));
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  const alert = await waitForMail(email, /someone with your password/i);
  expect(alert.text).toContain("failed 10 times in a row");

  // At 100 the step is locked, even for the right code, and the page says so.
  await seedFailures("secondFactorAccount", id, 100);
  // The tenth failure's pause holds Verify in this page (its countdown); the seeded count carries
  // no pause, so the step is loaded afresh.
  await page.goto("/login/2fa");
  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /locked for this account/i })).toBeVisible();
  expect((await getSession(page)).body.session.aal).toBe("aal1");
  expect(await securityEventTypes(email)).toEqual(expect.arrayContaining(["second_factor.failures_alert", "second_factor.locked"]));

  // The operator's way out lifts it; the right code then works.
  const unlocked = runAdmin("user", "unlock", email);
  expect(unlocked.status, unlocked.stderr).toBe(0);
  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await page.waitForURL((url) => url.pathname !== "/login/2fa");
  expect((await getSession(page)).body.session.aal).toBe("aal2");
  expect(await securityEventTypes(email)).toContain("admin.sign_in_unlocked");
});

test("password failures count since the last success: mail at 10, sign-in paused at 100", async ({ page }) => {
  const email = uniqueEmail("pw-cap");
  await signUp(page, email, PASSWORD);
  await page.getByRole("button", { name: /^sign out$/i }).click();

  const attempt = async (password: string) => {
    await page.goto("/login");
    await page.getByLabel(EMAIL_LABEL).fill(email);
    await page.getByLabel(PASSWORD_LABEL).fill(password);
    await page.getByRole("button", { name: /^sign in$/i }).click();
  };
  await seedFailures("signInAccount", email, 9);
  await attempt("not the password at all");
  await expect(page.getByRole("alert").filter({ hasText: /don't match/i })).toBeVisible();
  const alert = await waitForMail(email, /trying to guess the password/i);
  expect(alert.text).toContain("10 times in a row");

  await seedFailures("signInAccount", email, 100);
  await attempt(PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: /paused for this email/i })).toBeVisible();
  expect((await getSession(page)).status).toBe(401);
  await expect.poll(() => securityEventTypes(email)).toContain("signin.locked");

  // An unknown email reads exactly the same at its cap: nothing to learn about accounts.
  const unknown = uniqueEmail("nobody");
  await seedFailures("signInAccount", unknown, 100);
  await page.goto("/login");
  await page.getByLabel(EMAIL_LABEL).fill(unknown);
  await page.getByLabel(PASSWORD_LABEL).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /paused for this email/i })).toBeVisible();
});

test("repeated refused attempts are one log entry with a count, not one row each", async ({ page }) => {
  const { email, authenticator } = await totpAccount(page, "aggregate");
  await signIn(page, email, PASSWORD);
  const real = await authenticator.freshCode();
  for (let i = 0; i < 4; i++) {
    await page.getByLabel(/authentication code/i).fill(String((Number(real) + 1000 + i * 7919) % 1_000_000).padStart(6, "0"));
    await submitAndSettle(page, page.getByRole("button", { name: /^verify$/i }));
    await expect(page.getByRole("alert").filter({ hasText: /isn't valid/i })).toBeVisible();
  }
  const rows = await sqlAll("SELECT repeat_count AS n FROM security_events WHERE user_id = ? AND type = 'second_factor.failed'", await userId(email));
  expect(rows).toEqual([{ n: 4 }]);
  await passTotpStep(page, authenticator);
  await page.goto("/settings/security/log");
  await expect(page.getByText(/wrong second-step code \(authenticator app\) \(4 times\)/i)).toBeVisible();
});
