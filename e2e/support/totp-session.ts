// Codes for a TOTP account in tests: the app accepts each time step once, ever, so every code a
// test submits must belong to a step newer than the last one used.
import type { Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { msUntilNextStep, stepAt, totpAtStep } from "./totp";

export class Authenticator {
  private lastStep = -1;
  constructor(readonly secret: string) {}

  /** A code for a step not used yet: now, or the next step (±1 step is accepted), else wait. */
  async freshCode(): Promise<string> {
    for (;;) {
      const now = stepAt();
      const step = Math.max(now, this.lastStep + 1);
      if (step <= now + 1) {
        this.lastStep = step;
        return totpAtStep(this.secret, step);
      }
      await new Promise((resolve) => setTimeout(resolve, msUntilNextStep() + 50));
    }
  }

  /** The last code handed out, for replay tests. */
  lastCode(): string {
    return totpAtStep(this.secret, this.lastStep);
  }

  markUsed(step: number) {
    this.lastStep = Math.max(this.lastStep, step);
  }
}

/**
 * On /settings/security (privileged): sets up an authenticator app (named `name`, or the default
 * the App name field offers) and returns it. When recovery codes are offered right after (the
 * account had no confirmed set), they are skipped unless `keepOfferedCodes` is set.
 */
export async function enrolTotp(page: Page, options: { name?: string; keepOfferedCodes?: boolean } = {}): Promise<Authenticator> {
  const section = page.getByRole("region", { name: "Authenticator apps" });
  if (options.name !== undefined) await section.getByLabel(/^app name/i).fill(options.name);
  await section.getByRole("button", { name: /^set up (another )?authenticator app$/i }).click();
  await expect(page.getByRole("img", { name: /qr code/i })).toBeVisible();
  const key = (await page.getByLabel(/setup key/i).innerText()).trim();
  expect(key).toMatch(/^[A-Z2-7 ]+$/);
  const authenticator = new Authenticator(key.replace(/\s+/g, ""));
  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  const verify = page.getByRole("button", { name: /^verify$/i });
  await verify.click();
  // The confirm form is gone once the app is added (a notice, or the offered codes, in its place).
  await expect(verify).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: /authenticator app added/i })).toBeVisible();
  if (!options.keepOfferedCodes) await skipOfferedRecoveryCodes(page);
  return authenticator;
}

/** Recovery codes offered right after a first second factor: skips them if they are on screen. */
export async function skipOfferedRecoveryCodes(page: Page): Promise<void> {
  const skip = page.getByRole("button", { name: /^skip for now$/i });
  if ((await skip.count()) === 0) return;
  await skip.click();
  await expect(skip).toHaveCount(0);
}

/**
 * On /settings/security: presses a factor's Remove (`button`), checks the confirmation page says
 * what follows (`follows`), and confirms with Remove again.
 */
export async function removeFactor(page: Page, button: Locator, follows?: RegExp): Promise<void> {
  await button.click();
  await expect(page).toHaveURL(/\/settings\/security\/remove\?/);
  if (follows) await expect(page.getByRole("note", { name: /what follows/i })).toContainText(follows);
  await page.getByRole("main").getByRole("button", { name: /^remove$/i }).click();
  await expect(page).toHaveURL(/\/settings\/security\?notice=/);
}

/**
 * On the second step (/login/2fa, /reset-password): switches to the authenticator app when another
 * method is the one offered first (the step offers the method used last, or the account's first).
 */
export async function chooseAuthenticatorApp(page: Page): Promise<void> {
  const input = page.getByLabel(/authentication code/i);
  const other = page.getByRole("navigation", { name: /other ways to verify/i }).getByRole("link", { name: /^use an authenticator app instead$/i });
  // Whichever the page shows: the field (offered first) or the link to it.
  await expect(input.or(other)).toBeVisible();
  if (await input.isVisible()) return;
  await other.click();
  await expect(input).toBeVisible();
}

/** Completes /login/2fa with a fresh code. */
export async function passTotpStep(page: Page, authenticator: Authenticator): Promise<void> {
  await expect(page).toHaveURL(/\/login\/2fa/);
  await chooseAuthenticatorApp(page);
  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await page.waitForURL((url) => url.pathname !== "/login/2fa");
}

/**
 * Clicks a form's submit button and waits until its action has answered and React has settled the
 * form (the button is enabled again). React resets a form's fields when its action completes: a
 * test that fills the next value before that has its value wiped, and submits an empty field.
 */
export async function submitAndSettle(page: Page, button: Locator): Promise<void> {
  // The action's answer streams (React reads it as it comes): its headers mean the button went
  // pending long ago, and it is enabled again only when React has applied the answer.
  const answered = page.waitForResponse((r) => r.request().method() === "POST");
  await button.click();
  await answered;
  await expect(button).toBeEnabled();
}
