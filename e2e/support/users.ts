// Account helpers that drive the UI exactly as the contract names it (docs/contract.md).
import { randomBytes } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

// Anchored, case-insensitive: "Email" must not match e.g. "Email me sign-in alerts", nor "Password"
// match "Confirm password" or a "Show password" toggle. Tolerates a trailing "*" for required fields.
export const EMAIL_LABEL = /^\s*email\s*\*?\s*$/i;
export const PASSWORD_LABEL = /^\s*password\s*\*?\s*$/i;

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${Date.now()}-${randomBytes(4).toString("hex")}@example.test`.toLowerCase();
}

/** Waits until the page has left `pathname`; on timeout, reports what the page said (alerts). */
async function leave(page: Page, pathname: string, action: string): Promise<void> {
  try {
    await page.waitForURL((url) => url.pathname !== pathname, { timeout: 15_000 });
  } catch {
    const alerts = (await page.getByRole("alert").allInnerTexts().catch(() => [])).filter((t) => t.trim());
    throw new Error(
      `${action}: still on ${page.url()} after 15 s` + (alerts.length ? `; page says: ${alerts.join(" | ")}` : ""),
    );
  }
}

export async function signUp(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(password);
  await page.getByRole("button", { name: /^create account$/i }).click();
  await leave(page, "/signup", `sign up ${email}`);
}

/** First factor only: ends on `/` or, for an account with a second factor, on `/login/2fa`. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(password);
  // Anchored so it does not match "Sign in with a passkey".
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await leave(page, "/login", `sign in ${email}`);
}

export interface SessionResponse {
  status: number;
  // The contract's shape (200) or `{ error }` (401); loosely typed so specs can probe any field.
  body: any;
}

/** GET /api/session with the cookies of the given page's context (or an API request context). */
export async function getSession(from: Page | APIRequestContext): Promise<SessionResponse> {
  const request = "request" in from ? from.request : from;
  const res = await request.get("/api/session");
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: leave the text for the assertion message
  }
  return { status: res.status(), body };
}

/**
 * One password attempt from a freshly loaded /login (React resets a form when its action settles,
 * which would wipe a value typed while a previous attempt was pending). Returns the form's message.
 */
export async function attemptSignIn(page: Page, email: string, password: string): Promise<string> {
  await page.goto("/login");
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByLabel(PASSWORD_LABEL).fill(password);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  // Filtered: Next.js' route announcer is an alert region too.
  const alert = page.getByRole("alert").filter({ hasText: /don't match|too many/i });
  await expect(alert).toBeVisible();
  return alert.innerText();
}
