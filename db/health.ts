import { describeDatabaseError, isDatabaseUnavailable } from "@/db/errors";

/**
 * Whether the database answers, as this process last saw it. A statement that fails because the
 * database can't be reached marks it down (logged once, in one line); while it is down the proxy
 * answers 503 at once instead of letting each request wait for a connection timeout, and a probe
 * (db/client.ts) marks it up again as soon as a statement succeeds. No driver imports: proxy.ts
 * reads this. The state lives on globalThis because the proxy and the pages are bundled apart.
 */
interface HealthState {
  downSince: number | null;
  lastError: string | null;
  probe?: () => void;
}

const KEY = Symbol.for("twofold.database-health");
const store = globalThis as unknown as { [KEY]?: HealthState };
const state = (): HealthState => (store[KEY] ??= { downSince: null, lastError: null });

export function databaseIsDown(): boolean {
  return state().downSince !== null;
}

/** Called with every failure of a statement or connection; only "can't reach it" marks it down. */
export function noteDatabaseFailure(error: unknown): void {
  if (!isDatabaseUnavailable(error)) return;
  const current = state();
  current.lastError = describeDatabaseError(error);
  if (current.downSince !== null) return;
  current.downSince = Date.now();
  console.error(`[db] the database can't be reached (${current.lastError}): answering 503 until it is back`);
  current.probe?.();
}

export function noteDatabaseUp(): void {
  const current = state();
  if (current.downSince === null) return;
  console.error(`[db] the database is reachable again after ${Math.round((Date.now() - current.downSince) / 1000)} s`);
  current.downSince = null;
  current.lastError = null;
}

/** db/client.ts registers how to check again; it runs whenever the database is marked down. */
export function setDatabaseProbe(probe: () => void): void {
  state().probe = probe;
}
