/**
 * What a request gets while the database can't be reached (db/health.ts): 503 with Retry-After,
 * at once. A page gets a small self-contained HTML page (no scripts, no database, no React: the
 * proxy builds it); an API client gets JSON. Kept free of server-only imports for proxy.ts.
 */
import { databaseIsDown } from "@/db/health";

const RETRY_AFTER_SECONDS = 5;

/** The 503 to answer with while the database is down, or null when it is up. */
export function whileDatabaseDown(wantsJson: boolean): Response | null {
  return databaseIsDown() ? serviceUnavailableResponse(wantsJson) : null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function serviceUnavailableResponse(wantsJson: boolean, appName = process.env.APP_NAME || "Twofold"): Response {
  const headers = { "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" };
  if (wantsJson) {
    return Response.json({ error: "Service temporarily unavailable. Try again in a few seconds." }, { status: 503, headers });
  }
  const name = escapeHtml(appName);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporarily unavailable · ${name}</title>
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0;display:grid;min-height:100vh;place-items:center}
main{max-width:28rem;margin:1rem;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem}h1{font-size:1.25rem;margin:0 0 .75rem}p{line-height:1.5;margin:.5rem 0}</style>
</head><body><main id="main">
<h1>${name} is temporarily unavailable</h1>
<p>We can't reach our database right now, so nothing was changed: your request was not carried out.</p>
<p>Please try again in a few seconds. Your account and its security settings are safe.</p>
</main></body></html>`;
  return new Response(html, { status: 503, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
}
