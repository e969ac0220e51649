// `npm run screenshots`: the production build on a fresh SQLite database, driven through every page
// and state a user meets, in the order of their journey, at 1280 and 360 px. Writes full-page PNGs
// to docs/screenshots/ and docs/screenshots/README.md, which shows them in that order.
//
//   npm run screenshots                  builds first (next build), then takes the pictures
//   npm run screenshots -- --no-build    uses the build already in .next
//   SCREENSHOTS_PORT=3450                the port to serve on (default: a free one)
//
// Pages are driven by their accessible names (docs/contract.md), never by CSS, so a change of
// layout doesn't break it. A state that can't be reached is named on stderr, the rest of its
// journey is skipped, the other journeys still run, and the exit status is 1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { readOutbox } from "../test/eml";
import { stepAt, totpAtStep } from "../e2e/support/totp";

const root = path.resolve(import.meta.dirname, "..");
const outDir = path.join(root, "docs", "screenshots");
const WIDTHS = [1280, 360] as const;
const HEIGHTS: Record<(typeof WIDTHS)[number], number> = { 1280: 800, 360: 740 };
const AUTH_SECRET = "shot".repeat(16);
const PASSWORD = "a picture of every page";
const TIMEOUT_MS = 15_000;
const args = process.argv.slice(2);

// ── the server ──────────────────────────────────────────────────────────────────────────────────

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function build(): void {
  const dir = mkdtempSync(path.join(tmpdir(), "twofold-shots-build-"));
  console.log("▶ next build");
  const result = spawnSync(path.join(root, "node_modules", ".bin", "next"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_PATH: path.join(dir, "build.db"), AUTH_SECRET },
  });
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error("next build failed");
}

async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  // The environment scripts/e2e-server.mjs gives its SQLite server, without the OIDC provider: the
  // pictures show the app as it is installed by default.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME", "SMTP_URL", "DATABASE_URL", "REQUIRE_SECOND_FACTOR"]) delete env[name];
  const child = spawn(process.execPath, [path.join(root, "server.mjs"), "-p", String(port)], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_PATH: path.join(dataDir, "shots.db"),
      OUTBOX_DIR: path.join(dataDir, "outbox"),
      AUTH_SECRET,
      APP_ORIGIN: `http://localhost:${port}`,
      // Each browser context plays its own client address (X-Forwarded-For), so the sessions list
      // shows addresses and one context's attempts never throttle another's.
      TRUSTED_PROXY_HOPS: "1",
      // As on the e2e servers: a recovery's wait the pictures can sit out.
      ACCOUNT_RECOVERY_DELAY: "8",
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://localhost:${port}/login`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not answer within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

// ── pictures ────────────────────────────────────────────────────────────────────────────────────

interface Shot { file: (width: number) => string; title: string; journey: string }
const shots: Shot[] = [];
const failures: string[] = [];

async function capture(page: Page, journey: string, slug: string, title: string): Promise<void> {
  // Named by state, not by position: README.md links to some, and a new state mustn't rename them.
  if (shots.some((shot) => shot.file(WIDTHS[0]) === `${slug}-${WIDTHS[0]}.png`)) throw new Error(`two states are named ${slug}`);
  const file = (width: number) => `${slug}-${width}.png`;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHTS[width] });
    // Let the layout settle at the new width (fonts are local; nothing loads from the network).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: path.join(outDir, file(width)), fullPage: true, animations: "disabled", caret: "hide" });
  }
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHTS[WIDTHS[0]] });
  shots.push({ file, title, journey });
}

async function visible(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: "visible", timeout: TIMEOUT_MS });
  return locator.first();
}

async function gone(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: "detached", timeout: TIMEOUT_MS });
}

async function at(page: Page, pathname: RegExp): Promise<void> {
  await page.waitForURL((url) => pathname.test(url.pathname + url.search), { timeout: TIMEOUT_MS });
}

const button = (scope: Page | Locator, name: RegExp) => scope.getByRole("button", { name });
const region = (page: Page, name: string) => page.getByRole("region", { name });
const status = (page: Page, text: RegExp) => page.getByRole("status").filter({ hasText: text });

/** A journey: its states in order; the first that can't be reached ends it, named on stderr. */
async function journey(name: string, run: (state: (slug: string, title: string, page: Page, act?: () => Promise<void>) => Promise<void>) => Promise<void>): Promise<void> {
  let current = "(start)";
  try {
    await run(async (slug, title, page, act) => {
      current = slug;
      if (act) await act();
      await capture(page, name, slug, title);
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    failures.push(`${name} › ${current}: ${message}`);
    console.error(`✗ ${name} › state "${current}" failed: ${message}`);
  }
}

// ── what a user does ────────────────────────────────────────────────────────────────────────────

let origin = "";
let dataDir = "";
let nextAddress = 10;

/** Real browsers' user agents, so the sessions list and the log name devices as people see them. */
const DESKTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

async function newContext(browser: Browser, userAgent = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: origin,
    userAgent,
    viewport: { width: WIDTHS[0], height: HEIGHTS[WIDTHS[0]] },
    extraHTTPHeaders: { "x-forwarded-for": `198.51.100.${nextAddress++}` },
    reducedMotion: "reduce",
  });
}

class Authenticator {
  private last = -1;
  constructor(readonly secret: string) {}
  /** A code of a time step not used yet (the app accepts each step once). */
  async code(): Promise<string> {
    for (;;) {
      const step = Math.max(stepAt(), this.last + 1);
      if (step <= stepAt() + 1) {
        this.last = step;
        return totpAtStep(this.secret, step);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function virtualAuthenticator(context: BrowserContext, page: Page, passkey: boolean) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2", transport: passkey ? "internal" : "usb", hasResidentKey: passkey,
      hasUserVerification: passkey, isUserVerified: passkey, automaticPresenceSimulation: true,
    },
  });
  return { remove: () => cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId }) };
}

/** The newest link to `pathname` mailed to `email` (the outbox the server writes). */
async function mailedLink(email: string, pathname: string): Promise<string> {
  const pattern = new RegExp(`(https?://\\S+${pathname.replace(/[/?]/g, "\\$&")}\\?token=[A-Za-z0-9_-]+)`);
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const mails = existsSync(path.join(dataDir, "outbox")) ? readOutbox(path.join(dataDir, "outbox")) : [];
    const link = mails.filter((m) => m.headers.to === email).map((m) => pattern.exec(m.text)?.[1]).filter(Boolean).at(-1);
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no mail to ${email} with a ${pathname} link`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function fillSignUp(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel(/^\s*email\s*\*?$/i).fill(email);
  await page.getByLabel(/^\s*password\s*\*?$/i).fill(password);
  await button(page, /^create account$/i).click();
}

async function signUp(page: Page, email: string): Promise<void> {
  await page.goto("/signup");
  await fillSignUp(page, email, PASSWORD);
  await at(page, /^\/$/);
}

async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel(/^\s*email\s*\*?$/i).fill(email);
  await page.getByLabel(/^\s*password\s*\*?$/i).fill(password);
  await button(page, /^sign in$/i).click();
}

async function signOut(page: Page): Promise<void> {
  await button(page, /^sign out$/i).first().click();
  await at(page, /^\/login/);
}

/** Sets up an authenticator app; leaves the recovery codes offered right after on screen. */
async function setUpAuthenticator(page: Page, beforeVerify?: () => Promise<void>): Promise<Authenticator> {
  await button(region(page, "Authenticator apps"), /^set up (another )?authenticator app$/i).click();
  await visible(page.getByRole("img", { name: /qr code/i }));
  const app = new Authenticator((await page.getByLabel(/setup key/i).innerText()).replace(/\s+/g, ""));
  if (beforeVerify) await beforeVerify();
  await page.getByLabel(/authentication code/i).fill(await app.code());
  await button(page, /^verify$/i).click();
  await visible(status(page, /authenticator app added/i));
  return app;
}

async function skipOfferedCodes(page: Page): Promise<void> {
  const skip = button(page, /^skip for now$/i);
  if ((await skip.count()) === 0) return;
  await skip.click();
  await gone(skip);
}

async function readCodes(page: Page): Promise<string[]> {
  const list = await visible(page.getByRole("list", { name: "Recovery codes" }));
  return (await list.getByRole("listitem").locator("code").allInnerTexts()).map((c) => c.trim());
}

async function confirmCodes(page: Page): Promise<void> {
  await page.getByRole("checkbox", { name: /^i have saved these codes$/i }).check();
  await button(page, /^confirm$/i).click();
  await gone(page.getByRole("list", { name: "Recovery codes" }));
}

async function addKey(page: Page, name: string): Promise<void> {
  const keys = region(page, "Security keys");
  await keys.getByLabel(/^key name$/i).fill(name);
  await button(keys, /^add security key$/i).click();
  await visible(keys.getByRole("listitem").filter({ hasText: name }));
  await skipOfferedCodes(page);
}

async function main(): Promise<void> {
  if (!args.includes("--no-build")) build();
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("no production build in .next: run `npm run build` or drop --no-build");
  const port = Number(process.env.SCREENSHOTS_PORT) || (await freePort());
  origin = `http://localhost:${port}`;
  dataDir = mkdtempSync(path.join(tmpdir(), "twofold-shots-"));
  mkdirSync(path.join(dataDir, "outbox"), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(outDir)) if (/^[a-z0-9-]+-(1280|360)\.png$/.test(file)) unlinkSync(path.join(outDir, file));

  const server = await startServer(port, dataDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    // The flags playwright.config.ts gives the e2e suite's Chromium.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  try {
    await takeAll(browser);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once("exit", resolve)));
    rmSync(dataDir, { recursive: true, force: true });
  }
  writeIndex();
  // The project README shows some of them: each it names must still be taken.
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  for (const [, file] of readme.matchAll(/docs\/screenshots\/([a-z0-9-]+\.png)/g)) {
    if (!existsSync(path.join(outDir, file!))) failures.push(`README.md shows docs/screenshots/${file}, which no state took`);
  }
  console.log(`\n${shots.length} states, ${shots.length * WIDTHS.length} pictures in docs/screenshots/`);
  if (failures.length > 0) {
    console.error(`\n${failures.length} journey(s) stopped early:\n${failures.map((f) => `  ✗ ${f}`).join("\n")}`);
    process.exitCode = 1;
  }
}

async function takeAll(browser: Browser): Promise<void> {
  const alice = "alice@example.com";
  let app: Authenticator | undefined;
  let codes: string[] = [];

  const mainContext = await newContext(browser);
  const page = await mainContext.newPage();
  // The login page offers passkey autofill; the pictures press the buttons instead.
  await page.addInitScript(() => { PublicKeyCredential.isConditionalMediationAvailable = async () => false; });

  await journey("Getting started", async (state) => {
    await state("sign-up", "Sign up", page, async () => {
      await page.goto("/signup");
      await visible(button(page, /^create account$/i));
    });
    await state("sign-up-refused", "Sign up: a password that is too common", page, async () => {
      await fillSignUp(page, alice, "password");
      await visible(page.locator("[aria-invalid=true]"));
    });
    await state("home-new", "Home, right after signing up", page, async () => {
      await fillSignUp(page, alice, PASSWORD);
      await at(page, /^\/$/);
    });
    await state("settings-new", "Security settings: nothing set up yet, email not verified", page, async () => {
      await page.goto("/settings/security");
      await visible(page.getByRole("heading", { name: "Security settings" }));
    });
    await state("email-verified", "The mailed link confirms the address", page, async () => {
      await page.goto(await mailedLink(alice, "/verify-email"));
      await visible(page.getByText(/your email address is verified/i));
    });
    await state("email-change-pending", "Email: a change of address waiting for its link", page, async () => {
      await page.goto("/settings/security");
      const email = region(page, "Email");
      await email.getByLabel(/^new email$/i).fill("alice.new@example.com");
      await button(email, /^change email$/i).click();
      await visible(page.getByRole("group", { name: /pending email change/i }));
    });
    await state("password-refused", "Password: a new password that is too common", page, async () => {
      await button(page.getByRole("group", { name: /pending email change/i }), /^cancel change$/i).click();
      await visible(status(page, /email change was cancelled/i));
      const password = region(page, "Password");
      await password.getByLabel(/^new password$/i).fill("password");
      await button(password, /^change password$/i).click();
      await visible(password.locator("[aria-invalid=true]"));
    });
  });

  await journey("Two-step verification", async (state) => {
    await page.goto("/settings/security");
    app = await setUpAuthenticator(page, async () => {
      await state("authenticator-setup", "Authenticator app: the QR code and setup key", page);
      await page.getByLabel(/authentication code/i).fill("000000");
      await button(page, /^verify$/i).click();
      await visible(page.getByText(/that code isn't right/i));
      await state("authenticator-wrong-code", "Authenticator app: a wrong code", page);
    });
    await state("first-recovery-codes", "Recovery codes offered right after the first second step", page, async () => {
      codes = await readCodes(page);
    });
    await state("authenticator-added", "Authenticator app added, codes saved", page, async () => {
      await confirmCodes(page);
    });
    const usbKey = await virtualAuthenticator(mainContext, page, false);
    await addKey(page, "Desk key");
    await usbKey.remove();
    await virtualAuthenticator(mainContext, page, true);
    await state("keys-listed", "Security keys and a passkey listed", page, async () => {
      await addKey(page, "This laptop");
      await page.goto("/settings/security");
      await visible(region(page, "Security keys").getByText("This laptop"));
    });
    await state("recovery-codes-new-set", "Recovery codes: a new set shown", page, async () => {
      await button(page, /^generate new recovery codes$/i).click();
      await readCodes(page);
    });
    await state("remove-confirmation", "Removing a key: the confirmation", page, async () => {
      await button(page, /^cancel$/i).first().click();
      await gone(page.getByRole("list", { name: "Recovery codes" }));
      await button(region(page, "Security keys"), /^remove desk key$/i).click();
      await at(page, /^\/settings\/security\/remove\?/);
      await visible(page.getByRole("note", { name: /what follows/i }));
    });
  });

  await journey("Sessions", async (state) => {
    const phone = await newContext(browser, PHONE);
    const phonePage = await phone.newPage();
    await phonePage.goto("/login");
    await fillSignIn(phonePage, alice, PASSWORD);
    await at(phonePage, /^\/login\/2fa/);
    await phonePage.goto("/login/2fa?method=totp");
    await phonePage.getByLabel(/authentication code/i).fill(await app!.code());
    await button(phonePage, /^verify$/i).click();
    await phonePage.waitForURL((url) => url.pathname !== "/login/2fa", { timeout: TIMEOUT_MS });
    await state("sessions", "Sessions: this device and another", page, async () => {
      await page.goto("/settings/security#sessions-title");
      await visible(region(page, "Sessions").getByRole("listitem").nth(1));
    });
    await state("revoke-confirmation", "Revoking a session: the confirmation", page, async () => {
      await button(region(page, "Sessions"), /^revoke /i).first().click();
      await visible(page.getByRole("region", { name: "Session to sign out" }));
    });
    await state("sign-out-others-confirmation", "Signing out every other session: the confirmation", page, async () => {
      await page.getByRole("link", { name: /^cancel$/i }).click();
      await button(region(page, "Sessions"), /^sign out other sessions$/i).click();
      await visible(page.getByRole("list", { name: "Sessions to sign out" }));
    });
    await state("others-signed-out", "Other sessions signed out", page, async () => {
      await button(page.getByRole("main"), /^sign out other sessions$/i).click();
      await visible(status(page, /all other sessions were signed out/i));
    });
    await phone.close();
    await state("security-log", "The security log", page, async () => {
      await page.goto("/settings/security/log");
      await visible(page.getByRole("heading", { name: /security log/i }));
    });
  });

  await journey("Signing in", async (state) => {
    await state("sign-in", "Sign in", page, async () => {
      await signOut(page);
      await visible(button(page, /^sign in$/i));
    });
    await state("sign-in-refused", "Sign in: a wrong password", page, async () => {
      await fillSignIn(page, alice, "not the password");
      await visible(page.getByRole("alert").filter({ hasText: /\S/ }));
    });
    await state("second-step", "The second step: the method used last first, the others as links", page, async () => {
      await page.goto("/login");
      await fillSignIn(page, alice, PASSWORD);
      await at(page, /^\/login\/2fa/);
      await visible(page.getByRole("navigation", { name: /other ways to verify/i }));
    });
    await state("second-step-app", "The second step: the authenticator app chosen", page, async () => {
      const link = page.getByRole("link", { name: /use an authenticator app instead/i });
      if ((await link.count()) > 0) await link.click();
      await visible(page.getByLabel(/authentication code/i));
    });
    await state("second-step-recovery-code", "The second step: a recovery code", page, async () => {
      await page.getByRole("link", { name: /recovery code/i }).first().click();
      await visible(page.getByLabel(/^recovery code$/i));
    });
    await state("recovery-code-used", "After a recovery-code sign-in", page, async () => {
      await page.getByLabel(/^recovery code$/i).fill(codes[0]!);
      await button(page, /^verify$/i).click();
      await at(page, /^\/login\/2fa\/recovery-code-used/);
    });
    await state("home-returning", "Home, signed in again", page, async () => {
      await page.goto("/");
      await visible(page.getByRole("heading", { level: 1 }));
    });
    await state("reauthentication", "Confirm it's you (before a sensitive change)", page, async () => {
      await page.goto("/login?refresh=true&return_to=/settings/security");
      await visible(page.getByRole("heading", { name: /confirm it's you/i }));
    });
    await state("home-passkey", "Home, after a passkey sign-in", page, async () => {
      await page.goto("/");
      await signOut(page);
      await button(page, /sign in with a passkey/i).click();
      await at(page, /^\/$/);
      await visible(page.getByText(/signed in with a passkey/i));
    });
  });

  await journey("Forgotten password", async (state) => {
    const context = await newContext(browser);
    const bob = await context.newPage();
    const email = "bob@example.com";
    await signUp(bob, email);
    await bob.goto("/settings/security");
    const bobApp = await setUpAuthenticator(bob);
    await skipOfferedCodes(bob);
    await state("remove-last-confirmation", "Removing the last second step: the confirmation", bob, async () => {
      await button(region(bob, "Authenticator apps"), /^remove /i).first().click();
      await visible(bob.getByRole("note", { name: /what follows/i }));
    });
    await state("second-step-app-only", "The second step of an account with an authenticator app only", bob, async () => {
      await bob.getByRole("link", { name: /^cancel$/i }).click();
      await signOut(bob);
      await fillSignIn(bob, email, PASSWORD);
      await at(bob, /^\/login\/2fa/);
      await visible(bob.getByLabel(/authentication code/i));
    });
    await state("forgot-password", "Forgot password", bob, async () => {
      await button(bob, /sign out/i).first().click();
      await at(bob, /^\/login/);
      await bob.getByRole("link", { name: /^forgot password\?$/i }).click();
      await visible(button(bob, /^send reset link$/i));
    });
    await state("forgot-password-sent", "Forgot password: the link is on its way", bob, async () => {
      await bob.getByLabel(/^\s*email\s*\*?$/i).fill(email);
      await button(bob, /^send reset link$/i).click();
      await visible(bob.getByText(/if an account uses that address/i));
    });
    await state("reset-second-step", "Reset password: the second step first", bob, async () => {
      await bob.goto(await mailedLink(email, "/reset-password"));
      await visible(bob.getByLabel(/authentication code/i));
    });
    await state("reset-new-password", "Reset password: the new password", bob, async () => {
      await bob.getByLabel(/authentication code/i).fill(await bobApp.code());
      await button(bob, /^verify$/i).click();
      await visible(bob.getByLabel(/^new password$/i));
    });
    await state("reset-done", "Password reset, signed out everywhere", bob, async () => {
      await bob.getByLabel(/^new password$/i).fill("a brand new picture password");
      await button(bob, /^set new password$/i).click();
      await at(bob, /^\/login\?notice=/);
    });
    await context.close();
  });

  await journey("Account recovery, every factor lost", async (state) => {
    const context = await newContext(browser);
    const dave = await context.newPage();
    const email = "dave@example.com";
    await signUp(dave, email);
    await dave.goto(await mailedLink(email, "/verify-email"));
    await dave.goto("/settings/security");
    const daveApp = await setUpAuthenticator(dave);
    await skipOfferedCodes(dave);
    // Signed in on another device before the recovery starts: that session shows the banner.
    const owner = await newContext(browser);
    const ownerPage = await owner.newPage();
    await ownerPage.goto("/login");
    await fillSignIn(ownerPage, email, PASSWORD);
    await at(ownerPage, /^\/login\/2fa/);
    await ownerPage.goto("/login/2fa?method=totp");
    await ownerPage.getByLabel(/authentication code/i).fill(await daveApp.code());
    await button(ownerPage, /^verify$/i).click();
    await ownerPage.waitForURL((url) => url.pathname !== "/login/2fa", { timeout: TIMEOUT_MS });
    await signOut(dave);
    await fillSignIn(dave, email, PASSWORD);
    await at(dave, /^\/login\/2fa/);
    await state("account-recovery-asked", "The second step: I can't use any of my factors", dave, async () => {
      await button(dave, /^i can't use any of my factors$/i).click();
      await visible(status(dave, /we sent a recovery link/i));
    });
    const link = await mailedLink(email, "/account-recovery");
    await state("account-recovery-waiting", "Account recovery: the wait has started", dave, async () => {
      await dave.goto(link);
      await visible(dave.getByRole("heading", { name: /^account recovery started$/i }));
    });
    await state("account-recovery-banner", "A session signed in before the wait: the banner", ownerPage, async () => {
      await ownerPage.goto("/");
      await visible(ownerPage.getByRole("region", { name: /^account recovery under way$/i }));
    });
    await owner.close();
    await state("account-recovery-finish", "Account recovery: after the wait, the password", dave, async () => {
      const until = await status(dave, /./).locator("time").first().getAttribute("datetime");
      const wait = until ? new Date(until).getTime() - Date.now() : 0;
      if (wait > 0) await dave.waitForTimeout(wait + 500);
      await dave.goto(link);
      await visible(dave.getByRole("heading", { name: /^finish account recovery$/i }));
    });
    await state("account-recovered", "Account recovered: every second step removed", dave, async () => {
      await dave.getByLabel(/^\s*password\s*\*?$/i).fill(PASSWORD);
      await button(dave, /^finish recovery$/i).click();
      await at(dave, /^\/settings\/security/);
      await visible(status(dave, /your account is recovered/i));
    });
    await context.close();
  });

  await journey("Deleting the account", async (state) => {
    const context = await newContext(browser);
    const carol = await context.newPage();
    await signUp(carol, "carol@example.com");
    await carol.goto("/settings/security");
    const section = region(carol, "Delete account");
    await state("delete-refused", "Delete account: the wrong address typed", carol, async () => {
      await section.getByLabel(/^confirm email$/i).fill("someone@example.com");
      await button(section, /^delete account$/i).click();
      await visible(section.locator("[aria-invalid=true]"));
      await section.scrollIntoViewIfNeeded();
    });
    await state("account-deleted", "Account deleted", carol, async () => {
      await section.getByLabel(/^confirm email$/i).fill("carol@example.com");
      await button(section, /^delete account$/i).click();
      await at(carol, /^\/account-deleted/);
    });
    await context.close();
  });

  await journey("Errors", async (state) => {
    const context = await newContext(browser);
    const visitor = await context.newPage();
    await state("link-expired", "A mailed link that expired or was used", visitor, async () => {
      await visitor.goto("/verify-email?token=this-link-was-already-used");
      await visible(visitor.getByText(/expired or was already used/i));
    });
    await state("not-found", "A page that doesn't exist", visitor, async () => {
      await visitor.goto("/no-such-page");
    });
    await context.close();
  });
  await mainContext.close();
}

function writeIndex(): void {
  const lines = [
    "# Screenshots",
    "",
    "Every page and state, in the order a user meets them, at 1280 px (left) and 360 px (right).",
    "`npm run screenshots` regenerates them from the production build on a fresh database",
    "(`scripts/screenshots.ts`); regenerate them whenever a page changes.",
    "",
  ];
  let journeyName = "";
  for (const shot of shots) {
    if (shot.journey !== journeyName) {
      journeyName = shot.journey;
      lines.push(`## ${journeyName}`, "");
    }
    lines.push(`### ${shot.title}`, "", "| 1280 px | 360 px |", "| --- | --- |");
    lines.push(`| ![${shot.title}, 1280 px wide](${shot.file(1280)}) | <img src="${shot.file(360)}" alt="${shot.title}, 360 px wide" width="240"> |`, "");
  }
  writeFileSync(path.join(outDir, "README.md"), lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error(`screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
