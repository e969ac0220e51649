// Recovery codes in tests, driven by the names in docs/contract.md ("Recovery codes" section and list,
// "Generate new recovery codes", "I have saved these codes", "Confirm", "Recovery code" + "Verify").
import { readdirSync, readFileSync, type Dirent } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { sqlGet, sqlRun, testDialect } from "./db";
import { e2eEnv } from "./env";
import { decodeEntities } from "./html";

export const CODE_PATTERN = /^[23456789abcdefghjkmnpqrstuvwxyz]{4}-[23456789abcdefghjkmnpqrstuvwxyz]{4}-[23456789abcdefghjkmnpqrstuvwxyz]{4}-[23456789abcdefghjkmnpqrstuvwxyz]{4}$/;

export function recoverySection(page: Page): Locator {
  return page.getByRole("region", { name: "Recovery codes" });
}

export function shownCodeList(page: Page): Locator {
  return page.getByRole("list", { name: "Recovery codes" });
}

/** The codes on screen, in their numbered order. */
export async function readShownCodes(page: Page): Promise<string[]> {
  const items = shownCodeList(page).getByRole("listitem");
  await expect(items).toHaveCount(10);
  const codes = (await items.locator("code").allInnerTexts()).map((c) => c.trim());
  for (const code of codes) expect(code).toMatch(CODE_PATTERN);
  return codes;
}

/** Presses Generate (wherever the generator is on the page) and returns the new, unconfirmed codes. */
export async function generateCodes(page: Page): Promise<string[]> {
  await page.getByRole("button", { name: /^generate new recovery codes$/i }).click();
  await expect(shownCodeList(page)).toBeVisible();
  return readShownCodes(page);
}

/** Ticks the box and confirms; waits until the list is gone (the set is now the valid one). */
export async function confirmCodes(page: Page): Promise<void> {
  await page.getByRole("checkbox", { name: /^i have saved these codes$/i }).check();
  await page.getByRole("button", { name: /^confirm$/i }).click();
  await expect(shownCodeList(page)).toHaveCount(0);
}

/** On /settings/security of an account with a second factor: a confirmed set. */
export async function createConfirmedCodes(page: Page): Promise<string[]> {
  const codes = await generateCodes(page);
  await confirmCodes(page);
  await expect(page.getByRole("status").filter({ hasText: /recovery codes saved/i })).toBeVisible();
  return codes;
}

/** On /login/2fa: switches to the recovery code form (if not shown yet) and submits `code`. */
export async function submitRecoveryCode(page: Page, code: string): Promise<void> {
  await expect(page).toHaveURL(/\/login\/2fa/);
  const input = page.getByLabel(/^recovery code$/i);
  if (!(await input.isVisible())) {
    await page.getByRole("navigation", { name: /other ways to verify/i }).getByRole("link", { name: /recovery code/i }).click();
  }
  await input.fill(code);
  await page.getByRole("button", { name: /^verify$/i }).click();
}

/**
 * Every displayed form of each code that appears anywhere in the database at rest: the SQLite file
 * and its WAL, or every file of the PostgreSQL cluster (tables, indexes, WAL, logs kept there).
 * Searching raw bytes rather than rows proves more than "the column holds a hash": no copy of a
 * code in another table, an index, a not-yet-vacuumed row version or the write-ahead log either.
 */
export async function codesFoundInDatabase(codes: readonly string[]): Promise<string[]> {
  const forms = codes.flatMap((code) => {
    const bare = code.replaceAll("-", "");
    return [code, bare, code.toUpperCase(), bare.toUpperCase()];
  });
  // What is known to be stored must be found, or an empty answer would prove nothing (a file
  // missed, pages still only in PostgreSQL's memory).
  const control = await sqlGet<{ hash: string }>(
    "SELECT c.code_hash AS hash FROM recovery_codes c JOIN recovery_code_sets s ON s.id = c.set_id ORDER BY s.created_at DESC, c.position LIMIT 1",
  );
  if (!control) throw new Error("no recovery code is stored: nothing to check the search against");
  const found = new Set<string>();
  let controlSeen = false;
  for (const file of await databaseFilesAtRest()) {
    const bytes = readIfStillThere(file);
    if (!bytes) continue;
    controlSeen ||= bytes.includes(Buffer.from(control.hash));
    for (const form of forms) if (bytes.includes(Buffer.from(form))) found.add(form);
  }
  if (!controlSeen) throw new Error("a stored code hash was not found in the database files: the search does not see the data");
  return forms.filter((form) => found.has(form));
}

async function databaseFilesAtRest(): Promise<string[]> {
  const env = e2eEnv();
  if (testDialect() === "sqlite") return [env.databasePath, `${env.databasePath}-wal`];
  if (!env.postgresDataDir) throw new Error("e2e-env.json has a databaseUrl but no postgresDataDir");
  // PostgreSQL keeps changed pages in shared buffers and may not have written the WAL yet
  // (synchronous_commit is off in test clusters): a checkpoint puts both on disk first.
  await sqlRun("CHECKPOINT");
  return filesUnder(env.postgresDataDir);
}

/** Regular files under `dir`; temporary ones may come and go while PostgreSQL runs. */
function filesUnder(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

function readIfStillThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The hidden fields React renders into a server-action form for browsers without JavaScript
 * ($ACTION_REF, $ACTION_KEY …). Posting them with the visible fields is exactly what such a
 * browser sends, which lets a test make many sign-ins without a browser page each.
 */
export async function noJsFormFields(request: APIRequestContext, path: string, formSelector = "form"): Promise<Record<string, string>> {
  const html = await (await request.get(path)).text();
  const forms = html.match(/<form\b[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((f) => f.includes(formSelector));
  if (!form) throw new Error(`no form containing ${formSelector} on ${path}`);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    if (!/type="hidden"/.test(input)) continue;
    const name = input.match(/name="([^"]*)"/)?.[1];
    const value = input.match(/value="([^"]*)"/)?.[1] ?? "";
    if (name) fields[decodeEntities(name)] = decodeEntities(value);
  }
  return fields;
}

