/**
 * The accent colour (APP_ACCENT): parsing, WCAG contrast, and the shades the theme derives from
 * it. Pure, so lib/config.ts can refuse a colour at start and the root layout can turn an accepted
 * one into CSS variables (app/globals.css names them in its @theme).
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/**
 * WCAG 2.1 success criterion 1.4.3 (contrast, level AA): normal-size text needs 4.5:1 against its
 * background. The accent is text on white (links, the name) and white text on the accent (the
 * primary button), so the one ratio against white decides both.
 */
export const MIN_TEXT_CONTRAST = 4.5;

const WHITE: Rgb = { r: 255, g: 255, b: 255 };
const BLACK: Rgb = { r: 0, g: 0, b: 0 };

/** `#rgb` or `#rrggbb`, either case; anything else (names, rgb(), alpha) is null. */
export function parseHexColour(value: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join("") : match[1];
  const n = Number.parseInt(hex, 16);
  return { r: (n >> 16) & 0xff, g: (n >> 8) & 0xff, b: n & 0xff };
}

/** Lower-case `#rrggbb`. */
export function toHex({ r, g, b }: Rgb): string {
  return "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

/** WCAG 2.1 relative luminance (the sRGB transfer curve undone, then the Rec. 709 weights). */
export function relativeLuminance({ r, g, b }: Rgb): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2.1 contrast ratio, from 1 (same luminance) to 21 (black on white); order doesn't matter. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

export function contrastWithWhite(colour: Rgb): number {
  return contrastRatio(colour, WHITE);
}

/**
 * The ratio as a refusal shows it: rounded down, so a colour at 4.4999:1 reads "4.49:1", never a
 * refused "4.50:1".
 */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

/** `t` of the way from `from` to `to`, per sRGB channel. */
function mix(from: Rgb, to: Rgb, t: number): Rgb {
  const at = (a: number, b: number) => Math.round(a + (b - a) * t);
  return { r: at(from.r, to.r), g: at(from.g, to.g), b: at(from.b, to.b) };
}

export const ACCENT_SHADES = [50, 100, 200, 400, 500, 600, 700, 800, 900] as const;
export type AccentShade = (typeof ACCENT_SHADES)[number];

/**
 * How far each shade moves from the accent towards white (tints) or black (shades). The numbers
 * follow Tailwind's indigo, the default look: its 50/100/200/400/500 sit about this far from
 * indigo-600 towards white, its 700/800/900 this far towards black. 600 is the accent itself.
 * Moving towards black only darkens, so every darker shade keeps at least the accent's contrast
 * on white; colour.test.ts checks the pairs the pages put together (text on the light shades).
 */
const TOWARDS_WHITE: Partial<Record<AccentShade, number>> = { 50: 0.94, 100: 0.88, 200: 0.72, 400: 0.35, 500: 0.15 };
const TOWARDS_BLACK: Partial<Record<AccentShade, number>> = { 700: 0.15, 800: 0.3, 900: 0.42 };

export function accentPalette(accent: Rgb): Record<AccentShade, string> {
  const palette = {} as Record<AccentShade, string>;
  for (const shade of ACCENT_SHADES) {
    const white = TOWARDS_WHITE[shade];
    const black = TOWARDS_BLACK[shade];
    palette[shade] = toHex(white !== undefined ? mix(accent, WHITE, white) : black !== undefined ? mix(accent, BLACK, black) : accent);
  }
  return palette;
}

/** The theme's colour variables (`--color-brand-600`…, app/globals.css) for an accepted accent. */
export function accentCssVariables(accent: Rgb): Record<`--color-brand-${AccentShade}`, string> {
  const palette = accentPalette(accent);
  return Object.fromEntries(ACCENT_SHADES.map((shade) => [`--color-brand-${shade}`, palette[shade]])) as Record<
    `--color-brand-${AccentShade}`,
    string
  >;
}
