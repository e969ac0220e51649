// Hostile input (issue 7, item 7): every Server Action and every route of the build gets malformed,
// oversized (1 MB), wrong-typed, unicode-laden and missing input, over both ways actions are called
// (the `Next-Action` protocol a browser with JavaScript uses, and the multipart form a browser
// without it posts), plus cross-origin posts. The app must answer each with a 4xx or a form (never
// a 5xx, never a hang), write nothing it shouldn't, and still work afterwards.
//
// Actions and routes are read from the build's own manifests, so a new action or route is covered
// the day it is added.
import { readFileSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext, type APIResponse, type BrowserContext } from "@playwright/test";
import { expect, nextClientIp, test } from "./support/fixtures";
import { sqlAll } from "./support/db";
import { decodeEntities } from "./support/html";
import { createConfirmedCodes } from "./support/recovery-codes";
import { enrolTotp } from "./support/totp-session";
import { getSession, signUp, uniqueEmail } from "./support/users";

const PASSWORD = "hostile input stays outside";
const ONE_MB = 1024 * 1024;
const BUILD = path.resolve(".next", "server");

interface Action {
  id: string;
  name: string;
  /** The page URL the action is posted to (the first page that uses it). */
  page: string;
  /** Next encodes in the id's first byte which arguments the action reads; 0 = none. */
  takesArguments: boolean;
}

/** "app/(auth)/login/2fa/page" → "/login/2fa" */
function routeOf(entry: string): string {
  const parts = entry.replace(/^\/?app\//, "").replace(/^\//, "").split("/").filter((p) => !/^\(.*\)$/.test(p));
  parts.pop(); // "page" or "route"
  return "/" + parts.join("/");
}

function buildActions(): Action[] {
  const manifest = JSON.parse(readFileSync(path.join(BUILD, "server-reference-manifest.json"), "utf8"));
  return Object.entries(manifest.node as Record<string, { workers: Record<string, unknown>; exportedName?: string }>).map(
    ([id, entry]) => ({
      id,
      name: entry.exportedName ?? id,
      page: routeOf(Object.keys(entry.workers)[0]),
      takesArguments: (parseInt(id.slice(0, 2), 16) & 0x7e) !== 0,
    }),
  );
}

function buildRoutes(): { pages: string[]; handlers: string[] } {
  const manifest = JSON.parse(readFileSync(path.join(BUILD, "app-paths-manifest.json"), "utf8")) as Record<string, string>;
  const entries = Object.keys(manifest).filter((k) => !/\/_(not-found|global-error)\//.test(k));
  return {
    pages: entries.filter((k) => k.endsWith("/page")).map(routeOf),
    handlers: entries.filter((k) => k.endsWith("/route")).map(routeOf),
  };
}

const UNICODE = "\u0000\u0007\u202e\u200b💥𝕏\ud800Ω̸̡ ｅｍａｉｌ@例え.テスト \uFEFF\r\n<script>alert(1)</script>'\"";
/** The same without the lone surrogate, for where text must be well-formed (URLs). */
const UNICODE_WELL_FORMED = UNICODE.replace(/[\ud800-\udfff]/gu, "");
const DEEP = "[".repeat(20_000) + "]".repeat(20_000);

/** Bodies for the `Next-Action` protocol (text/plain: the JSON array of arguments). */
const REPLY_BODIES: Array<[string, string]> = [
  ["no arguments", "[]"],
  ["nulls", "[null,null]"],
  ["strings for a FormData", '["x","y"]'],
  ["numbers", "[1,2,3]"],
  ["objects shaped like fields", '[{},{"email":["a"],"password":{"x":1},"code":123,"name":false}]'],
  ["nested arrays", "[[],[[]],[[[[]]]]]"],
  ["unicode", JSON.stringify([UNICODE, UNICODE, UNICODE])],
  ["promise and map references", '["$@1","$Q2","$W3"]'],
  ["server reference", '["$h1", "$F2"]'],
  ["temporary reference", '["$T"]'],
  ["huge BigInt", `["$n${"9".repeat(400)}"]`],
  ["FormData references without form data", '["$K1","$K2"]'],
  ["bad date", '["$Dnot a date"]'],
  ["deep nesting", DEEP],
  ["not JSON", "not json{"],
  ["empty body", ""],
  ["binary", "\u0000\u0001\u0002\u00ff"],
  ["JSON object, not array", '{"0":"x"}'],
  ["1 MB string", JSON.stringify(["a".repeat(ONE_MB)])],
];

type Multipart = Record<string, string | { name: string; mimeType: string; buffer: Buffer }>;

const file = (size: number) => ({ name: "junk.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(size, 0x61) });

/** Multipart bodies with the `Next-Action` header (how a form action travels with JavaScript). */
const ACTION_FORMS: Array<[string, Multipart]> = [
  ["no root field", { email: "a@b.test", password: "x" }],
  ["root not JSON", { "0": "junk{" }],
  ["root refers to a missing chunk", { "0": '["$@3"]' }],
  ["root with unicode fields", { "0": '["$undefined","$K1"]', "1_email": UNICODE, "1_password": UNICODE, "1_code": UNICODE }],
  ["root with file fields", { "0": '["$undefined","$K1"]', "1_email": file(10), "1_code": file(10) }],
  ["1 MB file", { "0": '["$undefined","$K1"]', "1_email": file(ONE_MB) }],
];

/** Raw bodies that are not what their Content-Type says. */
const RAW_BODIES: Array<[string, string, string]> = [
  ["truncated multipart", "multipart/form-data; boundary=zzz", '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--zz'],
  ["multipart without boundary", "multipart/form-data", "abc"],
  ["urlencoded", "application/x-www-form-urlencoded", "email=%ff%fe&password=%00&%%%"],
  ["json", "application/json", '{"email":"a@b.test"}'],
  ["xml", "application/xml", "<x/>"],
];

/** Values for a no-JavaScript form's own fields. */
const FIELD_VALUES: Array<[string, (name: string) => Multipart[string] | undefined]> = [
  ["missing", () => undefined],
  ["empty", () => ""],
  ["unicode", () => UNICODE],
  ["file instead of text", () => file(100)],
  ["60 KB of text", () => "x".repeat(60 * 1024)],
  ["1 MB file", () => file(ONE_MB)],
];

interface HiddenForm {
  /** The `$ACTION_…` fields React renders so the form works without JavaScript. */
  hidden: Record<string, string>;
  /** Every other field's name, hidden or not: its value is the attacker's to choose. */
  fields: string[];
}


/** The server-action forms on a page, as a browser without JavaScript would post them. */
function actionForms(html: string): HiddenForm[] {
  return (html.match(/<form\b[\s\S]*?<\/form>/g) ?? [])
    .map((form) => {
      const hidden: Record<string, string> = {};
      const fields: string[] = [];
      for (const [tag] of form.matchAll(/<(input|button)\b[^>]*>/g)) {
        const name = tag.match(/name="([^"]*)"/)?.[1];
        if (!name) continue;
        if (name.startsWith("$ACTION")) hidden[decodeEntities(name)] = decodeEntities(tag.match(/value="([^"]*)"/)?.[1] ?? "");
        else fields.push(decodeEntities(name));
      }
      return { hidden, fields };
    })
    .filter((f) => Object.keys(f.hidden).some((k) => k.startsWith("$ACTION")));
}

/** Which action a no-JS form calls. */
function formActionId(form: HiddenForm): string | undefined {
  for (const [key, value] of Object.entries(form.hidden)) {
    if (key.startsWith("$ACTION_ID_")) return key.slice("$ACTION_ID_".length);
    if (/^\$ACTION_\d+:0$/.test(key)) return (JSON.parse(value) as { id: string }).id;
  }
  return undefined;
}

/** Rows an attack must not create, change or delete (rate-limit counters and the audit log may grow). */
async function snapshot() {
  // Compared with itself in one dialect, so SELECT * may read booleans and bytes the dialect's way.
  const all = async (sql: string) => JSON.stringify(await sqlAll(sql));
  return {
    users: await all("SELECT id, email, password_hash, email_verified_at FROM users ORDER BY id"),
    // Junk can't start an email change (resending a verification link ignores its input, so those may change).
    emailChanges: await all("SELECT * FROM email_tokens WHERE purpose = 'change' ORDER BY token_hash"),
    sessions: await all("SELECT id, user_id, amr, authenticated_at, expires_at FROM sessions ORDER BY id"),
    totp: await all("SELECT * FROM totp_credentials ORDER BY user_id"),
    keys: await all("SELECT * FROM webauthn_credentials ORDER BY id"),
    codeSets: await all("SELECT * FROM recovery_code_sets ORDER BY id"),
    codes: await all("SELECT * FROM recovery_codes ORDER BY set_id, position"),
  };
}

test("malformed, oversized, wrong-typed, unicode and missing input never gets a 5xx or writes anything", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const origin = new URL(baseURL!).origin;
  const actions = buildActions();
  const routes = buildRoutes();
  expect(actions.length, "server actions found in the build").toBeGreaterThan(10);
  expect(routes.pages).toEqual(expect.arrayContaining(["/login", "/login/2fa", "/signup", "/settings/security"]));

  // Three callers, so input reaches each action's parsing rather than stopping at its access check:
  // anonymous, halfway through sign-in (second factor due), and signed in with a privileged session.
  const email = uniqueEmail("hostile");
  await signUp(page, email, PASSWORD);
  await page.goto("/settings/security");
  await enrolTotp(page);
  await createConfirmedCodes(page);
  const clients: APIRequestContext[] = [];
  const client = async (storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>) => {
    const c = await playwrightRequest.newContext({
      baseURL,
      storageState,
      extraHTTPHeaders: { origin, "x-forwarded-for": nextClientIp(11) },
    });
    clients.push(c);
    return c;
  };
  const signedIn = await client(await page.context().storageState());
  const anonymous = await client();
  const due = await client();
  {
    const html = await (await due.get("/login")).text();
    const [signInForm] = actionForms(html);
    const res = await due.post("/login", { multipart: { ...signInForm.hidden, email, password: PASSWORD }, maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers().location).toMatch(/\/login\/2fa/);
  }
  const callerFor = (action: Action) => {
    // An action that reads no arguments does the same whatever is sent (sign out, remove, revoke
    // others): it is sent anonymously, where it must refuse, so the other callers keep their state.
    if (!action.takesArguments) return anonymous;
    if (action.page.startsWith("/settings") || action.page.startsWith("/login/2fa/")) return signedIn;
    if (action.page.startsWith("/login/2fa")) return due;
    return anonymous;
  };

  const before = await snapshot();
  const failures: string[] = [];
  let sent = 0;
  const check = async (what: string, call: () => Promise<APIResponse>) => {
    sent++;
    let res: APIResponse;
    try {
      res = await call();
    } catch (error) {
      failures.push(`${what}: no answer (${(error as Error).message.split("\n")[0]})`);
      return;
    }
    if (res.status() >= 500) failures.push(`${what}: ${res.status()} ${(await res.text()).slice(0, 120)}`);
  };
  const opts = { maxRedirects: 0, timeout: 15_000 } as const;

  // 1. Every action over the JavaScript protocol.
  for (const action of actions) {
    const caller = callerFor(action);
    const headers = { "next-action": action.id, "content-type": "text/plain;charset=UTF-8" };
    for (const [label, body] of REPLY_BODIES) {
      await check(`${action.name} ← ${label}`, () => caller.post(action.page, { ...opts, headers, data: body }));
    }
    for (const [label, multipart] of ACTION_FORMS) {
      await check(`${action.name} ← multipart ${label}`, () =>
        caller.post(action.page, { ...opts, headers: { "next-action": action.id }, multipart }),
      );
    }
    for (const [label, type, body] of RAW_BODIES) {
      await check(`${action.name} ← ${label}`, () =>
        caller.post(action.page, { ...opts, headers: { "next-action": action.id, "content-type": type }, data: body }),
      );
    }
  }
  await check("unknown action id", () =>
    anonymous.post("/login", { ...opts, headers: { "next-action": "7f".padEnd(42, "0") }, data: "[]" }),
  );

  // 2. Every no-JS form on every page its caller can open, with its own fields mangled, and with
  //    its hidden action fields tampered with.
  const pagesByCaller: Array<[APIRequestContext, string]> = [
    [anonymous, "/login"],
    [anonymous, "/signup"],
    [due, "/login/2fa"],
    [due, "/login/2fa?method=lookup_secret"],
    [signedIn, "/settings/security"],
  ];
  let formsFound = 0;
  for (const [caller, url] of pagesByCaller) {
    const res = await caller.get(url);
    expect(res.status(), url).toBe(200);
    for (const form of actionForms(await res.text())) {
      const id = formActionId(form);
      const action = actions.find((a) => a.id === id);
      expect(action, `the action of a form on ${url}`).toBeDefined();
      if (!action!.takesArguments && caller !== anonymous) continue;
      formsFound++;
      for (const [label, value] of FIELD_VALUES) {
        const multipart: Multipart = { ...form.hidden };
        for (const name of form.fields) {
          const v = value(name);
          if (v !== undefined) multipart[name] = v;
        }
        await check(`no-JS ${action!.name} on ${url} ← ${label} fields`, () => caller.post(url, { ...opts, multipart }));
      }
      const tampered: Array<[string, Multipart]> = [
        ["action key changed", { ...form.hidden, $ACTION_KEY: "k" + "0".repeat(32) }],
        ["action id unknown", { $ACTION_ID_7f00000000000000000000000000000000000000ff: "" }],
        ...Object.keys(form.hidden)
          .filter((k) => /^\$ACTION_\d+:\d+$/.test(k))
          .flatMap((k): Array<[string, Multipart]> => [
            [`${k} not JSON`, { ...form.hidden, [k]: "junk{" }],
            [`${k} refers to a missing chunk`, { ...form.hidden, [k]: '["$@7"]' }],
            [`${k} unicode`, { ...form.hidden, [k]: JSON.stringify([UNICODE]) }],
          ]),
      ];
      for (const [label, multipart] of tampered) {
        await check(`no-JS ${action!.name} on ${url} ← ${label}`, () => caller.post(url, { ...opts, multipart }));
      }
    }
  }
  expect(formsFound, "no-JS action forms exercised").toBeGreaterThanOrEqual(6);
  // The argument-less actions aren't on any page an anonymous caller can open: post their no-JS
  // form by hand.
  for (const action of actions.filter((a) => !a.takesArguments)) {
    await check(`no-JS ${action.name} anonymously`, () =>
      anonymous.post(action.page, { ...opts, multipart: { [`$ACTION_ID_${action.id}`]: "", junk: UNICODE } }),
    );
  }

  // 3. Routes: every page and route handler, with junk methods, query strings, headers and cookies.
  const junkCookies = [
    "twofold.session=",
    `twofold.session=${"A".repeat(4000)}`,
    "twofold.session=%E0%A4%A; twofold.session=x",
    `twofold.session=${encodeURIComponent(UNICODE_WELL_FORMED)}`,
    `__Host-twofold.session=${"b".repeat(43)}; twofold.signin=${"c".repeat(43)}`,
  ];
  const junkQueries = [
    "?return_to=javascript:alert(1)",
    `?return_to=${"/".repeat(3000)}`,
    "?return_to=%E0%A4%A&method=%00",
    "?method=lookup_secret&method=totp&refresh=true&refresh=false",
    `?notice=${encodeURIComponent(UNICODE_WELL_FORMED)}&saved=1`,
  ];
  for (const route of [...routes.pages, ...routes.handlers]) {
    for (const caller of [anonymous, due, signedIn]) {
      for (const query of junkQueries) await check(`GET ${route}${query}`, () => caller.get(route + query, opts));
    }
    for (const cookie of junkCookies) {
      await check(`GET ${route} with cookie ${cookie.slice(0, 40)}`, () => anonymous.get(route, { ...opts, headers: { cookie } }));
    }
    await check(`GET ${route} with a junk router state`, () =>
      signedIn.get(route, { ...opts, headers: { rsc: "1", "next-router-state-tree": "%%junk", "next-router-prefetch": "1" } }),
    );
    await check(`GET ${route} with a junk X-Forwarded-For`, () =>
      anonymous.get(route, { ...opts, headers: { "x-forwarded-for": "<script>\u00ff, 999.1.1.1, ::ffff:zz, , ;;" } }),
    );
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      await check(`${method} ${route} without an action`, () =>
        signedIn.fetch(route, { ...opts, method, headers: { "content-type": "application/json" }, data: '{"x":1}' }),
      );
    }
  }

  expect(failures, `${failures.length} of ${sent} requests failed`).toEqual([]);
  expect(await snapshot()).toEqual(before);

  // Still healthy: pages render and the signed-in session still works.
  expect((await anonymous.get("/login")).status()).toBe(200);
  expect((await getSession(signedIn)).body.session.aal).toBe("aal2");
  expect((await signedIn.get("/settings/security")).status()).toBe(200);
  await Promise.all(clients.map((c) => c.dispose()));
});

test("cross-origin posts to every action are refused before they run", async ({ request }) => {
  const actions = buildActions();
  for (const action of actions) {
    for (const origin of ["https://evil.example", "null", "http://localhost.evil.example"]) {
      const headers = { origin, "next-action": action.id, "content-type": "text/plain;charset=UTF-8" };
      const res = await request.post(action.page, { headers, data: "[]", maxRedirects: 0 });
      expect(res.status(), `${action.name} from ${origin}`).toBe(403);
      const form = await request.post(action.page, {
        headers: { origin },
        multipart: { [`$ACTION_ID_${action.id}`]: "" },
        maxRedirects: 0,
      });
      expect(form.status(), `no-JS ${action.name} from ${origin}`).toBe(403);
    }
  }
});
