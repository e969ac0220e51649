// The account's email address, as a browser drives it: the verification link mailed at sign-up,
// "Resend verification email" and its limit, the link leaving the URL at once (no referrer), single
// use, /api/session's email_verified; and the change of address from settings, with and without
// JavaScript: a link to the new address, a notice to the old, nothing changed before the link,
// Cancel, the sign-in moving to the new address, and one answer for an address in use.
import { createHash } from "node:crypto";
import type { Page, Response } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { expect, test } from "./support/fixtures";
import { sqlAll } from "./support/db";
import { mailsTo, waitForMail } from "./support/mail";
import { attemptSignIn, getSession, signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "an address worth proving";
const VERIFY_SUBJECT = /^Confirm your email address for /;
const CHANGE_SUBJECT = /^Confirm the new email address of your /;
const CHANGE_NOTICE_SUBJECT = /^A new email address was requested for your /;
const CHANGED_SUBJECT = /^The email address of your .* was changed$/;
const LINK = /(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/;
const CHANGE_SENT = "Check the inbox of the new address and open the link we sent there within an hour.";
const EXPIRED = "This link has expired or was already used.";

test.describe.configure({ timeout: 120_000 });

const withSubject = (email: string, subject: RegExp) => mailsTo(email).filter((m) => subject.test(m.headers.subject ?? ""));

/** The link in the newest mail to `email` with this subject, once more than `before` have arrived. */
async function newLink(email: string, subject: RegExp, before: number): Promise<string> {
  await expect.poll(() => withSubject(email, subject).length, { message: `mail to ${email} matching ${subject}` }).toBeGreaterThan(before);
  const link = LINK.exec(withSubject(email, subject).at(-1)!.text)?.[1];
  expect(link, "a link in the mail").toBeTruthy();
  return link!;
}

/**
 * The one place this spec reads the database (to be moved to e2e/support/db.ts's async API): the
 * account's stored email links, to check that a token is kept only as its SHA-256.
 */
function storedEmailLinks(email: string): Promise<Array<Record<string, unknown>>> {
  return sqlAll<Record<string, unknown>>("SELECT t.* FROM email_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = ?", email);
}

const emailSection = (page: Page) => page.getByRole("region", { name: /^email$/i });

/** Opens a mailed link in the browser; returns the hop's response (the 303 that drops the token). */
async function openLink(page: Page, link: string): Promise<Response> {
  const landed = await page.goto(link);
  expect(page.url()).toMatch(/\/verify-email$/);
  expect(page.url()).not.toContain("token");
  const hop = await landed!.request().redirectedFrom()?.response();
  expect(hop, "the link answers with a redirect").toBeTruthy();
  return hop!;
}

async function requestChange(page: Page, to: string): Promise<void> {
  await page.goto("/settings/security");
  await emailSection(page).getByLabel(/^new email$/i).fill(to);
  await emailSection(page).getByRole("button", { name: /^change email$/i }).click();
  await expect(page.getByText(CHANGE_SENT)).toBeVisible();
}

test("sign-up mails a verification link; resend is limited; the link verifies once, out of the URL at once", async ({ page }) => {
  const email = uniqueEmail("verify");
  await signUp(page, email, PASSWORD);
  // The account works at once, unverified.
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  const signUpLink = await newLink(email, VERIFY_SUBJECT, 0);
  expect(withSubject(email, VERIFY_SUBJECT)[0]!.text).toMatch(/for 24 hours/);
  expect((await getSession(page)).body.user).toMatchObject({ email, email_verified: false });

  // Only the SHA-256 of the token is stored.
  const signUpToken = new URL(signUpLink).searchParams.get("token")!;
  const [stored] = await storedEmailLinks(email);
  expect(stored).toMatchObject({ purpose: "verify", email, token_hash: createHash("sha256").update(signUpToken).digest("hex") });
  expect(JSON.stringify(await storedEmailLinks(email))).not.toContain(signUpToken);

  await page.goto("/settings/security");
  const section = emailSection(page);
  await expect(section.getByText(email, { exact: true })).toBeVisible();
  await expect(section.getByText(/^not verified$/i)).toBeVisible();
  await expectAccessible(page, "settings, email not verified");

  // Three resends an hour; each replaces the link before it.
  for (let i = 1; i <= 3; i++) {
    await section.getByRole("button", { name: /^resend verification email$/i }).click();
    await expect(page.getByText(/we've sent a new verification link/i)).toBeVisible();
    await expect.poll(() => withSubject(email, VERIFY_SUBJECT).length).toBe(1 + i);
    await page.goto("/settings/security");
  }
  await section.getByRole("button", { name: /^resend verification email$/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /several verification emails already\. try again in \d+ minutes?/i })).toBeVisible();
  await expectAccessible(page, "settings, resend throttled");
  expect(withSubject(email, VERIFY_SUBJECT)).toHaveLength(4);
  const latest = LINK.exec(withSubject(email, VERIFY_SUBJECT).at(-1)!.text)![1]!;

  // A replaced link is dead, and says how to get a new one.
  await openLink(page, signUpLink);
  await expect(page.getByText(EXPIRED)).toBeVisible();
  await expect(page.getByText("Resend verification email", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: /go to your security settings/i })).toHaveAttribute("href", "/settings/security");
  await expectAccessible(page, "email link expired");

  // A link checker's HEAD doesn't spend it.
  expect((await page.request.head(latest, { maxRedirects: 0 })).status()).toBe(303);

  const hop = await openLink(page, latest);
  expect(hop.status()).toBe(303);
  expect(await hop.headerValue("referrer-policy")).toBe("no-referrer");
  expect(await hop.headerValue("cache-control")).toMatch(/no-store/);
  expect(await hop.headerValue("set-cookie")).toMatch(/HttpOnly/i);
  expect(await hop.headerValue("set-cookie")).not.toContain(new URL(latest).searchParams.get("token")!);
  await expect(page.getByText("Your email address is verified.")).toBeVisible();
  await expectAccessible(page, "email verified");
  expect((await getSession(page)).body.user).toMatchObject({ email, email_verified: true });
  expect(await storedEmailLinks(email)).toEqual([]);

  await page.goto("/settings/security");
  await expect(emailSection(page).getByText(/^verified$/i)).toBeVisible();
  await expect(emailSection(page).getByRole("button", { name: /resend verification email/i })).toHaveCount(0);

  // Used once: refused, even signed out.
  await page.getByRole("button", { name: /^sign out$/i }).click();
  await openLink(page, latest);
  await expect(page.getByText(EXPIRED)).toBeVisible();
  await expect(page.getByRole("link", { name: /^sign in$/i })).toHaveAttribute("href", "/login");
});

test("a verification link works signed out too", async ({ page, browser }) => {
  const email = uniqueEmail("verify-anon");
  await signUp(page, email, PASSWORD);
  const link = await newLink(email, VERIFY_SUBJECT, 0);
  const other = await browser.newContext();
  const anonymous = await other.newPage();
  await openLink(anonymous, link);
  await expect(anonymous.getByText("Your email address is verified.")).toBeVisible();
  await other.close();
  expect((await getSession(page)).body.user.email_verified).toBe(true);
});

/** The change of address, start to end; `axe` off without JavaScript (axe runs as a script in the page). */
async function changeJourney(page: Page, prefix: string, axe: boolean): Promise<void> {
  const expectAccessibleIf = (state: string) => (axe ? expectAccessible(page, state) : Promise.resolve());
  const email = uniqueEmail(prefix);
  const next = uniqueEmail(`${prefix}-new`);
  await signUp(page, email, PASSWORD);

  // Field errors, not failures.
  await page.goto("/settings/security");
  await emailSection(page).getByRole("button", { name: /^change email$/i }).click();
  await expect(emailSection(page).getByText("Enter the new email address.")).toBeVisible();
  await emailSection(page).getByLabel(/^new email$/i).fill("not an address");
  await emailSection(page).getByRole("button", { name: /^change email$/i }).click();
  await expect(emailSection(page).getByText(/enter a valid email address/i)).toBeVisible();
  await expect(emailSection(page).getByLabel(/^new email$/i)).toHaveAttribute("aria-invalid", "true");
  await expectAccessibleIf("settings, invalid new email");
  await emailSection(page).getByLabel(/^new email$/i).fill(email.toUpperCase());
  await emailSection(page).getByRole("button", { name: /^change email$/i }).click();
  await expect(emailSection(page).getByText(/already your account's address/i)).toBeVisible();

  // A request: a link to the new address, a notice to the old; nothing changes yet.
  await requestChange(page, next);
  const cancelledLink = await newLink(next, CHANGE_SUBJECT, 0);
  const notice = await waitForMail(email, CHANGE_NOTICE_SUBJECT);
  expect(notice.text).toContain(`New address: ${next}`);
  expect(notice.text).toMatch(/change your password/i);
  expect(notice.text).toMatch(/cancel the pending change/i);
  expect(notice.text + notice.html).not.toMatch(/token=/);
  await expect(emailSection(page).getByRole("group", { name: /pending email change/i })).toContainText(next);
  await expectAccessibleIf("settings, email change pending");
  expect((await getSession(page)).body.user.email).toBe(email);

  // Cancel: the link dies.
  await emailSection(page).getByRole("button", { name: /^cancel change$/i }).click();
  await expect(page.getByText(/the email change was cancelled/i)).toBeVisible();
  await expect(emailSection(page).getByRole("group", { name: /pending email change/i })).toHaveCount(0);
  await openLink(page, cancelledLink);
  await expect(page.getByText(EXPIRED)).toBeVisible();
  expect((await getSession(page)).body.user.email).toBe(email);

  // Again, and this time the link is opened: the address moves and counts as verified.
  await requestChange(page, next);
  const link = await newLink(next, CHANGE_SUBJECT, 1);
  const hop = await openLink(page, link);
  expect(await hop.headerValue("referrer-policy")).toBe("no-referrer");
  await expect(page.getByText(/your account's email address is changed/i)).toBeVisible();
  await expectAccessibleIf("email changed");
  expect((await getSession(page)).body.user).toMatchObject({ email: next, email_verified: true });
  const confirmation = await waitForMail(email, CHANGED_SUBJECT);
  expect(confirmation.text).toContain(`Previous address: ${email}`);
  expect(confirmation.text + confirmation.html).not.toMatch(/token=/);

  await page.goto("/settings/security");
  await expect(emailSection(page).getByText(next, { exact: true })).toBeVisible();
  await expect(emailSection(page).getByText(/^verified$/i)).toBeVisible();

  // The old address no longer signs in; the new one does.
  await page.getByRole("button", { name: /^sign out$/i }).click();
  expect(await attemptSignIn(page, email, PASSWORD)).toMatch(/don't match/i);
  await signIn(page, next, PASSWORD);
  expect((await getSession(page)).body.user).toMatchObject({ email: next, email_verified: true });
}

test("changing the address with JavaScript: both mails, nothing before the link, Cancel, then the link moves sign-in", async ({ page }) => {
  await changeJourney(page, "change-js", true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("changing the address works the same", async ({ page }) => {
    await changeJourney(page, "change-nojs", false);
  });

  test("resend verification email works", async ({ page }) => {
    const email = uniqueEmail("verify-nojs");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await emailSection(page).getByRole("button", { name: /^resend verification email$/i }).click();
    await expect(page.getByText(/we've sent a new verification link/i)).toBeVisible();
    const link = await newLink(email, VERIFY_SUBJECT, 1);
    await openLink(page, link);
    await expect(page.getByText("Your email address is verified.")).toBeVisible();
  });
});

test("an address another account uses gets the same answer; its mailbox gets no link", async ({ page, browser }) => {
  const owner = uniqueEmail("taken-owner");
  const ownerContext = await browser.newContext();
  await signUp(await ownerContext.newPage(), owner, PASSWORD);
  await ownerContext.close();

  const email = uniqueEmail("taken-asker");
  const free = uniqueEmail("taken-free");
  await signUp(page, email, PASSWORD);

  const answer = async (to: string) => {
    await requestChange(page, to);
    const pending = emailSection(page).getByRole("group", { name: /pending email change/i });
    await expect(pending).toContainText(to);
    return (await pending.innerText()).replace(to, "ADDRESS").replace(/\(until [^)]*\)/, "(until …)");
  };
  const forFree = await answer(free);
  const forTaken = await answer(owner);
  expect(forTaken).toBe(forFree);
  await expect(page.getByText(CHANGE_SENT)).toBeVisible();
  await openLink(page, LINK.exec((await waitForMail(email, VERIFY_SUBJECT)).text)![1]!);
  await page.goto("/settings/security");
  await expect(emailSection(page).getByText(/^verified$/i)).toBeVisible();
  await expectAccessible(page, "settings, verified, change pending");

  const toOwner = await waitForMail(owner, CHANGE_SUBJECT);
  expect(toOwner.text).toMatch(/already belongs to a .* account, so nothing was changed/i);
  expect(toOwner.text + toOwner.html).not.toMatch(/token=/);
  await waitForMail(email, CHANGE_NOTICE_SUBJECT);
  // The free address's link was replaced by the newer request.
  const replaced = LINK.exec(withSubject(free, CHANGE_SUBJECT)[0]!.text)![1]!;
  await openLink(page, replaced);
  await expect(page.getByText(EXPIRED)).toBeVisible();
  expect((await getSession(page)).body.user.email).toBe(email);
});
