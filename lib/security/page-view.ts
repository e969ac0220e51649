/**
 * "Unconfirmed recovery codes live only while they are on screen", without a page render that
 * writes. Every document load of a page that can show new codes gets a fresh random value in this
 * cookie, set by proxy.ts before the page renders (the render itself reads and writes nothing for
 * it). A generated set is sealed to the value current when Generate was pressed, so once the
 * browser has loaded such a page again (a reload, another tab, coming back later) the codes still
 * showing elsewhere can no longer be confirmed. No secret: it only has to differ between views.
 *
 * Only document loads count (Accept: text/html). Next.js strips its own RSC and prefetch headers
 * before proxy.ts sees a request, so a router prefetch (Next prefetches even the page it is on)
 * could not be told from a client-side navigation; neither may end a view. A client-side
 * navigation unmounts the generator, and with it the only copy of the sealed codes, so the codes
 * it showed can't be confirmed from there anyway. The render after a form post is a POST.
 */
const CODES_VIEW_PATHS: readonly string[] = ["/settings/security", "/login/2fa/recovery-code-used"];

export function codesViewCookieName(secureCookies: boolean): string {
  return secureCookies ? "__Host-twofold.codes-view" : "twofold.codes-view";
}

export interface HeaderReader {
  get(name: string): string | null;
}

export function startsCodesView(method: string, pathname: string, headers: HeaderReader): boolean {
  if (method !== "GET") return false;
  if (!CODES_VIEW_PATHS.includes(pathname.replace(/\/+$/, "") || "/")) return false;
  return /\btext\/html\b/i.test(headers.get("accept") ?? "");
}
