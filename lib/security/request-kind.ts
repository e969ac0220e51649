/**
 * Whether a server-component render is a person looking at the page (a GET navigation), as opposed
 * to the render Next.js does after a server action (a no-JS form post renders the page with the
 * action's state) or a router prefetch. Only a real view may start a new recovery-codes view
 * (lib/security/page-view.ts), or the render after Generate would make its own codes unconfirmable.
 * Mirrors Next's own test (next/dist/server/lib/server-action-request-meta): an action is a POST
 * with a `Next-Action` header (fetch) or a form-encoded / multipart body (no JS).
 */
export interface HeaderReader {
  get(name: string): string | null;
}

export function isPageView(headers: HeaderReader): boolean {
  if (headers.get("next-action") !== null) return false;
  if (headers.get("next-router-prefetch") !== null) return false;
  const contentType = headers.get("content-type") ?? "";
  return !/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType);
}
