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

/** On /settings/security (privileged): sets up an authenticator app and returns it. */
export async function enrolTotp(page: Page): Promise<Authenticator> {
  await page.getByRole("button", { name: /set up authenticator app/i }).click();
  await expect(page.getByRole("img", { name: /qr code/i })).toBeVisible();
  const key = (await page.getByLabel(/setup key/i).innerText()).trim();
  expect(key).toMatch(/^[A-Z2-7 ]+$/);
  const authenticator = new Authenticator(key.replace(/\s+/g, ""));
  await page.getByLabel(/authentication code/i).fill(await authenticator.freshCode());
  await page.getByRole("button", { name: /^verify$/i }).click();
  await expect(page.getByRole("status").filter({ hasText: /authenticator app added/i })).toBeVisible();
  return authenticator;
}

/** Completes /login/2fa with a fresh code. */
export async function passTotpStep(page: Page, authenticator: Authenticator): Promise<void> {
  await expect(page).toHaveURL(/\/login\/2fa/);
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
