// axe-core over the page as it is now, WCAG 2.1 A/AA plus axe's best practices (issue 7, item 5).
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/** Runs axe on the page as it is now; fails with each violation's rule, help text and targets. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  // After an action's redirect the new page's <title> is set a moment after its content (Next.js
  // streams metadata): wait for it, so axe sees the page the user gets, not the navigation midway.
  // A page that never gets a title still fails here.
  await expect(page, `${state}: the page has a title`).toHaveTitle(/\S/);
  const { violations, passes } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const report = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`).join("\n"),
  );
  expect(report, `${state} at ${page.url()}`).toEqual([]);
  // axe ran for real: a page it found nothing to check on would pass vacuously.
  expect(passes.length, `${state}: axe checked something`).toBeGreaterThan(5);
}
