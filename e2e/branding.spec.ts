// Branding by configuration (issue 11): a second app process on the e2e database, started with
// APP_NAME, APP_LOGO and APP_ACCENT, shows that name, logo and colour everywhere a user looks
// (titles, header, hints, mails, buttons, links) and stays accessible; the main e2e server,
// unbranded, keeps the indigo look it had before. A colour too light to read stops the start.
//
// The README's screenshot (docs/img/branded-sign-in.png) is taken here: set
// UPDATE_DOCS_SCREENSHOTS=1 to write it into docs/img/ (otherwise it goes to test-results/ only).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { expect, nextClientIp, test } from "./support/fixtures";
import { waitForMail } from "./support/mail";
import { startExtraServer, stopExtraServer, type ExtraServer } from "./support/servers";
import { enrolTotp } from "./support/totp-session";
import { signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "a brand of its own";
const BRAND = { APP_NAME: "Acme Secure", APP_ACCENT: "#0f766e", APP_LOGO: "/brand/example-logo.svg" };
// #0f766e, and the 700 shade lib/branding/colour.ts derives from it (15 % towards black).
const ACCENT_RGB = "rgb(15, 118, 110)";
const ACCENT_700_RGB = "rgb(13, 100, 94)";

const startBranded = (env: Record<string, string>) =>
  // hops=1 as on the main e2e server: each context's own X-Forwarded-For is its address, so these
  // sign-ups don't share a rate-limit budget with other specs' loopback clients.
  startExtraServer(process.execPath, [path.resolve("server.mjs")], { TRUSTED_PROXY_HOPS: "1", ...env });

let branded: ExtraServer | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  branded = await startBranded(BRAND);
});

test.afterAll(async () => {
  await stopExtraServer(branded);
});

async function brandedContext(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: branded!.origin, extraHTTPHeaders: { "x-forwarded-for": nextClientIp(5) }, ...options });
}

const backgroundOf = (page: Page, name: RegExp) =>
  page.getByRole("button", { name }).evaluate((el) => getComputedStyle(el).backgroundColor);

test("the sign-in page shows the configured name, logo and accent, and passes axe", async ({ browser }) => {
  const context = await brandedContext(browser, { viewport: { width: 800, height: 640 } });
  const page = await context.newPage();
  try {
    await page.goto("/login");
    await expect(page).toHaveTitle("Sign in · Acme Secure");
    const home = page.getByRole("link", { name: "Acme Secure", exact: true });
    await expect(home).toBeVisible();
    await expect(page.getByText("Twofold")).toHaveCount(0);
    // The logo is decorative beside the name (alt=""), and it actually loaded.
    const logo = home.locator("img");
    await expect(logo).toHaveAttribute("src", BRAND.APP_LOGO);
    await expect(logo).toHaveAttribute("alt", "");
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

    expect(await backgroundOf(page, /^sign in$/i)).toBe(ACCENT_RGB);
    await expect(home).toHaveCSS("color", ACCENT_700_RGB);
    await expect(page.getByRole("link", { name: /create an account/i })).toHaveCSS("color", ACCENT_700_RGB);

    await expectAccessible(page, "branded sign-in");

    const shot = await page.screenshot({ path: test.info().outputPath("branded-sign-in.png") });
    expect(shot.length).toBeGreaterThan(1000);
    if (process.env.UPDATE_DOCS_SCREENSHOTS === "1") {
      mkdirSync(path.resolve("docs/img"), { recursive: true });
      await page.screenshot({ path: path.resolve("docs/img/branded-sign-in.png") });
    }
  } finally {
    await context.close();
  }
});

test("signed in, the header, titles, the authenticator hint and the mails use the name", async ({ browser }) => {
  test.setTimeout(60_000);
  const context = await brandedContext(browser);
  const page = await context.newPage();
  try {
    const email = uniqueEmail("branding");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    await expect(page).toHaveTitle("Security settings · Acme Secure");
    await expect(page.getByRole("banner").getByRole("link", { name: "Acme Secure", exact: true })).toBeVisible();
    await enrolTotp(page);
    const added = await waitForMail(email, /^A second step was added to your Acme Secure account$/);
    expect(added.text).toContain("Acme Secure");
    expect(added.text).not.toContain("Twofold");

    await page.getByRole("button", { name: /^sign out$/i }).first().click();
    await expect(page).toHaveURL(/\/login$/);
    await signIn(page, email, PASSWORD);
    await expect(page).toHaveURL(/\/login\/2fa$/);
    await expect(page.getByText("Open your authenticator app and enter the 6-digit code it shows for Acme Secure.")).toBeVisible();
    expect(await backgroundOf(page, /^verify$/i)).toBe(ACCENT_RGB);
  } finally {
    await context.close();
  }
});

test("unbranded, the main server keeps the indigo look it had before branding", async ({ page }) => {
  await page.goto("/login");
  await expect(page).toHaveTitle("Sign in · Twofold");
  await expect(page.getByRole("link", { name: "Twofold", exact: true })).toBeVisible();
  // Tailwind's indigo-600, resolved by the browser itself (the theme may write it as lab()).
  const indigo600 = await page.evaluate(() => {
    const probe = document.createElement("div");
    probe.style.backgroundColor = "var(--color-indigo-600)";
    document.body.append(probe);
    const colour = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return colour;
  });
  expect(indigo600).not.toBe("rgba(0, 0, 0, 0)");
  expect(await backgroundOf(page, /^sign in$/i)).toBe(indigo600);
});

test("an accent too light to read on white stops the start with the variable and the ratio", async () => {
  test.setTimeout(90_000);
  let started: ExtraServer | undefined;
  const refusal = await startBranded({ ...BRAND, APP_ACCENT: "#aaaaaa" }).then(
    (server) => {
      started = server;
      return undefined;
    },
    (error: Error) => error,
  );
  // A server that came up anyway is stopped before the assertion fails.
  await stopExtraServer(started);
  expect(refusal?.message).toMatch(
    /exited with 1: [^]*Invalid configuration: APP_ACCENT: #aaaaaa has a contrast of 2\.32:1 against white, below the 4\.5:1/,
  );
});
