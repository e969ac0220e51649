// Use `import { test, expect } from "./support/fixtures"` in every spec instead of @playwright/test.
//
// The app rate-limits per client IP, taken from the right-most X-Forwarded-For entry. Sharing one
// IP across the whole suite would make tests throttle each other depending on their order, so every
// test gets its own address; the `page`, `context` and `request` fixtures all send it.
import { test as base, expect } from "@playwright/test";

let counter = 0;

/**
 * A fresh 10.x.y.z address: x from the worker (a worker restarted after a failure gets a new index),
 * y.z from a per-worker counter. Also useful to build a second context that acts as another client.
 */
export function nextClientIp(workerIndex = 0): string {
  counter += 1;
  return `10.${(workerIndex % 254) + 1}.${(counter >> 8) & 0xff}.${counter & 0xff}`;
}

export const test = base.extend<{ clientIp: string }>({
  clientIp: async ({}, use, testInfo) => {
    await use(nextClientIp(testInfo.workerIndex));
  },
  // Overriding the option (rather than `context`) also covers the API `request` fixture.
  extraHTTPHeaders: async ({ extraHTTPHeaders, clientIp }, use) => {
    await use({ ...extraHTTPHeaders, "x-forwarded-for": clientIp });
  },
});

export { expect };
