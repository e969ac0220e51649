import { isPageView, type HeaderReader } from "@/lib/security/request-kind";

/**
 * "Unconfirmed recovery codes live only while they are on screen", without a page render that
 * writes. Every view of a page that can show new codes gets a fresh random value in this cookie,
 * set by proxy.ts before the page renders (the render itself reads and writes nothing for it). A
 * generated set is sealed to the value current when Generate was pressed, so once the browser has
 * opened such a page again (a reload, another tab, coming back later) the codes still showing
 * elsewhere can no longer be confirmed. The render that follows a form post and router prefetches
 * are not views (lib/security/request-kind.ts), so the page that shows the codes keeps its value.
 * No secret: it only has to differ from one view to the next.
 */
export const CODES_VIEW_PATHS: readonly string[] = ["/settings/security", "/login/2fa/recovery-code-used"];

export function codesViewCookieName(secureCookies: boolean): string {
  return secureCookies ? "__Host-twofold.codes-view" : "twofold.codes-view";
}

export function startsCodesView(method: string, pathname: string, headers: HeaderReader): boolean {
  return method === "GET" && CODES_VIEW_PATHS.includes(pathname.replace(/\/+$/, "") || "/") && isPageView(headers);
}
