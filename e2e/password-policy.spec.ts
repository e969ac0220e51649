// Password normalisation (NIST SP 800-63B §5.1.1.2) and context-specific words (ASVS 5.0 V6.2.11),
// through the real forms. Playwright's `fill` types the exact code points given, so "e" + U+0301
// and U+00E9 reach the server as different strings, as they would from two keyboards.
import { randomBytes } from "node:crypto";
import argon2 from "argon2";
import { expect, test } from "./support/fixtures";
import { sqlGet, sqlRun } from "./support/db";
import { EMAIL_LABEL, PASSWORD_LABEL, getSession, signIn, signUp, uniqueEmail } from "./support/users";

// The app's parameters (ARGON2_OPTIONS in lib/auth/password.ts, a server-only module specs can't load).
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const NFD = "cafe\u0301 au lait tous les matins"; // e + combining acute accent
const NFC = "caf\u00e9 au lait tous les matins"; // é as one code point
const CONTEXT_MESSAGE = "Don't use your email address or the app's name in your password.";

async function storedHash(email: string): Promise<string | undefined> {
  return (await sqlGet<{ hash: string }>("SELECT password_hash AS hash FROM users WHERE email = ?", email))?.hash;
}

test("a password chosen with a decomposed é signs in typed with a precomposed é", async ({ page }) => {
  expect(NFD).not.toBe(NFC);
  const email = uniqueEmail("nfd-signup");
  await signUp(page, email, NFD);
  await page.context().clearCookies();

  await signIn(page, email, NFC);
  expect(new URL(page.url()).pathname).toBe("/");
  const { status, body } = await getSession(page);
  expect(status).toBe(200);
  expect(body.user.email).toBe(email);
});

test("an account hashed from a raw decomposed password signs in and is rehashed in normalised form", async ({ page }) => {
  const email = uniqueEmail("legacy-nfd");
  const legacyHash = await argon2.hash(NFD, ARGON2_OPTIONS);
  await sqlRun("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)", randomBytes(16).toString("base64url"), email, legacyHash, Date.now());

  // The person types the password the way they always did.
  await signIn(page, email, NFD);
  expect(new URL(page.url()).pathname).toBe("/");
  expect((await getSession(page)).status).toBe(200);

  const upgraded = (await storedHash(email))!;
  expect(upgraded).not.toBe(legacyHash);
  expect(await argon2.verify(upgraded, NFC)).toBe(true);
  expect(await argon2.verify(upgraded, NFD)).toBe(false);

  // From now on, the other way of typing it works too.
  await page.context().clearCookies();
  await signIn(page, email, NFC);
  expect((await getSession(page)).status).toBe(200);
});

test("sign-up refuses passwords built on the app's name or the email", async ({ page }) => {
  const email = uniqueEmail("context");
  const localPart = email.slice(0, email.indexOf("@"));
  for (const password of ["twofold2026!", "TwoFold2026!", `${localPart}123456`]) {
    // A fresh form each time: React resets a form when its action settles.
    await page.goto("/signup");
    await page.getByLabel(EMAIL_LABEL).fill(email);
    await page.getByLabel(PASSWORD_LABEL).fill(password);
    await page.getByRole("button", { name: /^create account$/i }).click();
    await expect(page.getByText(CONTEXT_MESSAGE)).toBeVisible();
    await expect(page.getByLabel(PASSWORD_LABEL)).toHaveAttribute("aria-invalid", "true");
    expect(new URL(page.url()).pathname).toBe("/signup");
  }
  expect(await storedHash(email)).toBeUndefined();
  expect((await getSession(page)).status).toBe(401);
});
