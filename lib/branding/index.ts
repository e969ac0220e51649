import "server-only";
import { getConfig } from "@/lib/config";
import { accentCssVariables, parseHexColour } from "./colour";

export interface Branding {
  /** APP_NAME: every name a user sees (page titles, the header, hints, mails, TOTP issuer, WebAuthn). */
  name: string;
  /** APP_LOGO: a same-origin path under public/, checked at start; shown beside the name. */
  logo?: string;
  /**
   * The theme's brand colours (`--color-brand-50`…`900`, app/globals.css) for APP_ACCENT, for the
   * root layout to set on <html>; unset, the theme's own (Tailwind's indigo) apply.
   */
  cssVariables?: Record<string, string>;
}

/**
 * What the pages brand themselves with, from the configuration read at run time. Server-only:
 * client components get the name as a prop from their page, never by reading the configuration.
 */
export function getBranding(): Branding {
  const config = getConfig();
  // APP_ACCENT was parsed and contrast-checked by lib/config.ts; parsing again only rebuilds the numbers.
  const accent = config.APP_ACCENT ? parseHexColour(config.APP_ACCENT) : null;
  return {
    name: config.APP_NAME,
    ...(config.APP_LOGO ? { logo: config.APP_LOGO } : {}),
    ...(accent ? { cssVariables: accentCssVariables(accent) } : {}),
  };
}
