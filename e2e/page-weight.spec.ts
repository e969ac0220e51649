// Page weight (issue 7, item 4): the JavaScript each page makes Chromium download, in gzip bytes on
// the wire, against the budgets in e2e/budgets.json. The baseline is a bare Next.js page measured
// in the same run (Next's built-in 404 page: our root layout and no client component of ours), so
// a budget says how far a page may go past what Next.js itself costs. See docs/benchmarks.md.
import { writeFileSync } from "node:fs";
import type { Browser, BrowserContext } from "@playwright/test";
import { expect, nextClientIp, test } from "./support/fixtures";
import budgets from "./budgets.json";
import { enrolTotp } from "./support/totp-session";
import { addSecurityKey, addVirtualAuthenticator } from "./support/webauthn";
import { signIn, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "budgets keep pages light";

interface Weight {
  /** gzip bytes of script bodies as received (Content-Encoding: gzip from `next start`). */
  gzipBytes: number;
  /** The same scripts decoded, for the record. */
  rawBytes: number;
  scripts: number;
}

/**
 * Opens `path` in a fresh context (empty HTTP cache) with `storageState`'s cookies and sums every
 * script the page downloads until the network is idle: the HTML's chunks, what hydration loads and
 * what link prefetching pulls in. Only gzip is offered, so the number is the gzip size whatever the
 * server would prefer.
 */
async function measure(browser: Browser, path: string, storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>, expectedStatus = 200): Promise<Weight> {
  const context = await browser.newContext({
    storageState,
    extraHTTPHeaders: { "x-forwarded-for": nextClientIp(7), "accept-encoding": "gzip" },
  });
  const page = await context.newPage();
  const pending: Promise<void>[] = [];
  const weight: Weight = { gzipBytes: 0, rawBytes: 0, scripts: 0 };
  page.on("requestfinished", (request) => {
    if (request.resourceType() !== "script") return;
    pending.push(
      (async () => {
        const response = await request.response();
        expect(response?.status(), request.url()).toBe(200);
        expect(response?.headers()["content-encoding"], `${request.url()} is compressed`).toBe("gzip");
        const sizes = await request.sizes();
        const body = await response!.body();
        weight.gzipBytes += sizes.responseBodySize;
        weight.rawBytes += body.length;
        weight.scripts += 1;
      })(),
    );
  });
  const response = await page.goto(path, { waitUntil: "networkidle" });
  expect(response?.status(), path).toBe(expectedStatus);
  expect(new URL(page.url()).pathname, `${path} did not redirect`).toBe(path.split("?")[0]);
  await Promise.all(pending);
  await context.close();
  return weight;
}

test("each page's JavaScript stays within its budget (gzip bytes, measured in Chromium)", async ({ browser, page, context }) => {
  test.setTimeout(90_000);
  // Accounts and sessions for the pages that need them: a privileged session for the settings
  // page; a session waiting for its second factor, of an account with every method, for /login/2fa.
  const email = uniqueEmail("weight");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await addVirtualAuthenticator(context, page, "security-key");
  await addSecurityKey(page, "Weight key");
  await expect(page.getByRole("status").filter({ hasText: /security key added/i })).toBeVisible();
  const signedIn = await context.storageState();
  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": nextClientIp(7) } });
  const otherPage = await other.newPage();
  await signIn(otherPage, email, PASSWORD);
  await expect(otherPage).toHaveURL(/\/login\/2fa$/);
  await expect(otherPage.getByRole("button", { name: /^use a security key$/i })).toBeVisible();
  const secondFactorDue = await other.storageState();
  await other.close();

  const measured: Record<string, Weight> = {
    baseline: await measure(browser, budgets.baseline.path, undefined, 404),
    "/login": await measure(browser, "/login"),
    "/signup": await measure(browser, "/signup"),
    "/login/2fa": await measure(browser, "/login/2fa", secondFactorDue),
    "/settings/security": await measure(browser, "/settings/security", signedIn),
  };

  const rows = Object.entries(measured).map(([name, w]) => {
    const budget = name === "baseline" ? undefined : budgets.pages[name as keyof typeof budgets.pages];
    return {
      page: name === "baseline" ? `${budgets.baseline.path} (bare Next.js)` : name,
      scripts: w.scripts,
      gzipBytes: w.gzipBytes,
      overBaseline: w.gzipBytes - measured.baseline.gzipBytes,
      budget: budget?.maxGzipBytes,
      rawBytes: w.rawBytes,
    };
  });
  console.table(rows);
  writeFileSync(test.info().outputPath("page-weight.json"), JSON.stringify(rows, null, 2) + "\n");

  // The baseline itself is bounded too: a Next.js upgrade that makes every page heavier shows here.
  expect(measured.baseline.scripts).toBeGreaterThan(0);
  expect(measured.baseline.gzipBytes, "bare Next.js page").toBeLessThanOrEqual(budgets.baseline.maxGzipBytes);
  for (const [name, budget] of Object.entries(budgets.pages)) {
    const w = measured[name];
    expect(w.gzipBytes, `${name}: ${w.gzipBytes} gzip bytes of JavaScript`).toBeLessThanOrEqual(budget.maxGzipBytes);
    expect(w.gzipBytes - measured.baseline.gzipBytes, `${name}: bytes over the bare page`).toBeLessThanOrEqual(budget.maxOverBaselineGzipBytes);
  }
});
