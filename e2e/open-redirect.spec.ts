// Every page and action that takes `return_to`, in every sign-in state it answers differently in,
// fed payloads that URL normalisation or a lenient decoder turns into another origin. Nothing it
// answers (a Location header, an action redirect, an href, a hidden return_to field, a meta
// refresh) may lead off the app's origin. Raw responses, no redirects followed.
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { expect, nextClientIp, test } from "./support/fixtures";
import { decodeEntities } from "./support/html";
import { createConfirmedCodes, noJsFormFields } from "./support/recovery-codes";
import { enrolTotp } from "./support/totp-session";
import { signUp, uniqueEmail } from "./support/users";

const PASSWORD = "no detours through evil";

const PAYLOADS = [
  "/.//evil.example",
  "/..//evil.example",
  "/%2e//evil.example",
  "/%2E%2E//evil.example",
  "/a/..//evil.example",
  "/a/%2e%2e//evil.example",
  "/%252e//evil.example",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/%2f%2fevil.example",
  "/%5c%5cevil.example",
  "/\t/evil.example",
  "/%09/evil.example",
  "/\n/evil.example",
  " //evil.example",
  "/\u3000/evil.example",
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(document.domain)",
  "evil.example",
  "/a//evil.example",
];

// The pages that read return_to; /signup doesn't, and is here to prove it stays that way.
const PAGES: Array<(returnTo: string) => string> = [
  (r) => `/login?return_to=${r}`,
  (r) => `/login?refresh=true&return_to=${r}`,
  (r) => `/login/2fa?return_to=${r}`,
  (r) => `/login/2fa?method=lookup_secret&return_to=${r}`,
  (r) => `/login/2fa/recovery-code-used?return_to=${r}`,
  (r) => `/login/2fa/recovery-code-used?saved=1&return_to=${r}`,
  (r) => `/signup?return_to=${r}`,
];

/**
 * Each payload encoded as a query value, and, when it holds percent-escapes, also as typed into a
 * link (the server then decodes "%2e" once more; without escapes both forms read the same).
 */
function queryForms(payload: string): string[] {
  const encoded = encodeURIComponent(payload);
  return payload.includes("%") && /^[\x21-\x7e]+$/.test(payload) && !/[#&+]/.test(payload) ? [encoded, payload] : [encoded];
}

/** Every URL in a response that a browser could follow or submit to. */
async function destinations(res: APIResponse): Promise<string[]> {
  const headers = res.headers();
  const found: string[] = [];
  if (headers.location !== undefined) found.push(headers.location);
  // A JavaScript-driven Server Action answers its redirect in this header ("url;type").
  if (headers["x-action-redirect"] !== undefined) found.push(headers["x-action-redirect"].replace(/;(push|replace)$/, ""));
  if ((headers["content-type"] ?? "").includes("text/html")) {
    const html = await res.text();
    for (const [, url] of html.matchAll(/\s(?:href|action|formaction)="([^"]*)"/g)) found.push(decodeEntities(url));
    for (const [input] of html.matchAll(/<input\b[^>]*>/g)) {
      // Fields an action redirects to.
      if (!/\sname="(?:return_to|after|page)"/.test(input)) continue;
      found.push(decodeEntities(input.match(/\svalue="([^"]*)"/)?.[1] ?? ""));
    }
    for (const [, url] of html.matchAll(/http-equiv="refresh"[^>]*content="\d*;\s*url=([^"]*)"/gi)) found.push(decodeEntities(url));
  }
  return found;
}

/** Why `target`, found in a response to `from`, leads off the origin (undefined if it doesn't). */
function offOrigin(target: string, from: string): string | undefined {
  // Protocol-relative in any spelling browsers accept: "//", "/\", "\\", after stripped whitespace.
  if (/^[\s\u0000-\u001f]*[/\\][\s\u0000-\u001f]*[/\\]/.test(target)) return "protocol-relative";
  try {
    const url = new URL(target, from);
    if (url.origin !== new URL(from).origin) return `leads to ${url.origin}`;
  } catch {
    return "not a URL";
  }
  return undefined;
}

async function expectOnOrigin(res: APIResponse, label: string): Promise<void> {
  expect(res.status(), label).toBeLessThan(500);
  for (const target of await destinations(res)) {
    expect(offOrigin(target, res.url()), `${label}: ${JSON.stringify(target)}`).toBeUndefined();
  }
}

/** Requests every page with every payload from `client`, in whatever state its session is in. */
async function probeAllPages(client: APIRequestContext, state: string): Promise<void> {
  for (const payload of PAYLOADS) {
    for (const returnTo of queryForms(payload)) {
      for (const page of PAGES) {
        const path = page(returnTo);
        await expectOnOrigin(await client.get(path, { maxRedirects: 0 }), `${state} GET ${path}`);
      }
    }
  }
}

test.describe("return_to never leads off the origin", () => {
  let baseURL: string;
  const clients: APIRequestContext[] = [];
  const newClient = async () => {
    const client = await playwrightRequest.newContext({
      baseURL,
      extraHTTPHeaders: { origin: new URL(baseURL).origin, "x-forwarded-for": nextClientIp(7) },
    });
    clients.push(client);
    return client;
  };
  test.beforeEach(({ baseURL: url }) => {
    baseURL = url!;
  });
  test.afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });

  /** A no-JavaScript password sign-in (the form's real fields) with a chosen return_to. */
  async function postSignIn(client: APIRequestContext, fields: Record<string, string>, email: string, returnTo: string) {
    return client.post("/login", { multipart: { ...fields, return_to: returnTo, email, password: PASSWORD }, maxRedirects: 0 });
  }

  test("signed out", async () => {
    test.setTimeout(120_000);
    await probeAllPages(await newClient(), "signed out");
  });

  test("signed in, and the password sign-in action's redirect", async ({ page }) => {
    test.setTimeout(180_000);
    const email = uniqueEmail("redirect");
    await signUp(page, email, PASSWORD);

    // The reported case, in a real browser: no click needed, and it must stay home.
    for (const payload of ["/.//evil.example", "/%2e//evil.example"]) {
      await page.goto(`/login?return_to=${payload}`);
      expect(new URL(page.url()).origin, payload).toBe(new URL(baseURL).origin);
    }
    // The re-authentication page's Cancel link.
    await page.goto(`/login?refresh=true&return_to=${encodeURIComponent("/a/..//evil.example")}`);
    const cancel = await page.getByRole("link", { name: /^cancel$/i }).getAttribute("href");
    expect(offOrigin(cancel ?? "", page.url())).toBeUndefined();

    await probeAllPages(page.request, "signed in");

    // The action redirects to what the form posts back, so a tampered hidden field is the payload.
    const client = await newClient();
    const fields = await noJsFormFields(client, "/login", 'name="password"');
    for (const payload of PAYLOADS) {
      const res = await postSignIn(client, fields, email, payload);
      expect(res.status(), payload).toBe(303);
      await expectOnOrigin(res, `sign-in action, return_to ${JSON.stringify(payload)}`);
    }
  });

  test("half signed in, the second-factor actions, and after a recovery code", async ({ page }) => {
    test.setTimeout(240_000);
    const email = uniqueEmail("redirect-2fa");
    await signUp(page, email, PASSWORD);
    await page.goto("/settings/security");
    const authenticator = await enrolTotp(page);
    const codes = await createConfirmedCodes(page);

    // Password done, second step due.
    const half = await newClient();
    const loginFields = await noJsFormFields(half, "/login", 'name="password"');
    for (const payload of PAYLOADS.slice(0, 6)) {
      const res = await postSignIn(half, loginFields, email, payload);
      expect(res.headers().location, payload).toMatch(/\/login\/2fa/);
      await expectOnOrigin(res, `sign-in action (second step due), return_to ${JSON.stringify(payload)}`);
    }
    await probeAllPages(half, "second step due");

    // The authenticator-app step's action.
    const totpFields = await noJsFormFields(half, "/login/2fa", 'name="code"');
    const totp = await half.post("/login/2fa", {
      multipart: { ...totpFields, return_to: "/.//evil.example", code: await authenticator.freshCode() },
      maxRedirects: 0,
    });
    expect(totp.status()).toBe(303);
    await expectOnOrigin(totp, "TOTP step action");

    // The recovery-code step's action, then its follow-up page with the Continue links.
    const recovered = await newClient();
    await postSignIn(recovered, loginFields, email, "/");
    const codeFields = await noJsFormFields(recovered, "/login/2fa?method=lookup_secret", 'name="code"');
    const used = await recovered.post("/login/2fa?method=lookup_secret", {
      multipart: { ...codeFields, return_to: "/%2e//evil.example", code: codes[0] },
      maxRedirects: 0,
    });
    expect(used.headers().location).toMatch(/\/login\/2fa\/recovery-code-used/);
    await expectOnOrigin(used, "recovery code step action");
    const continued = await recovered.get(`/login/2fa/recovery-code-used?return_to=${encodeURIComponent("/..//evil.example")}`, { maxRedirects: 0 });
    expect(continued.status()).toBe(200);
    expect(await continued.text()).toMatch(/recovery code/i);
    await probeAllPages(recovered, "signed in with a recovery code");
  });
});
