import { describe, expect, it } from "vitest";
import {
  MIN_TEXT_CONTRAST,
  accentCssVariables,
  accentPalette,
  contrastRatio,
  contrastWithWhite,
  formatRatio,
  parseHexColour,
  relativeLuminance,
  toHex,
  type Rgb,
} from "./colour";

const hex = (value: string): Rgb => {
  const rgb = parseHexColour(value);
  if (!rgb) throw new Error(`not a colour: ${value}`);
  return rgb;
};

describe("parseHexColour", () => {
  it("reads #rrggbb and #rgb in either case", () => {
    expect(parseHexColour("#0f766e")).toEqual({ r: 15, g: 118, b: 110 });
    expect(parseHexColour("#0F766E")).toEqual({ r: 15, g: 118, b: 110 });
    expect(parseHexColour("#a0c")).toEqual({ r: 0xaa, g: 0x00, b: 0xcc });
  });

  it("refuses everything else", () => {
    for (const value of ["0f766e", "#0f766", "#0f766e00", "#ggg", "teal", "rgb(0,0,0)", "", "#"]) {
      expect(parseHexColour(value), value).toBeNull();
    }
  });

  it("round-trips through toHex as lower-case #rrggbb", () => {
    expect(toHex(hex("#ABC"))).toBe("#aabbcc");
    expect(toHex(hex("#0F766E"))).toBe("#0f766e");
  });
});

describe("WCAG contrast", () => {
  it("gives the extremes: 21:1 for black on white, 1:1 for a colour on itself", () => {
    expect(relativeLuminance(hex("#ffffff"))).toBe(1);
    expect(relativeLuminance(hex("#000000"))).toBe(0);
    expect(contrastRatio(hex("#000"), hex("#fff"))).toBe(21);
    expect(contrastRatio(hex("#0f766e"), hex("#0f766e"))).toBe(1);
  });

  it("matches published pairs on white", () => {
    // The classic boundary: #767676 is the lightest grey that passes AA on white, #777777 fails.
    expect(contrastWithWhite(hex("#767676"))).toBeCloseTo(4.54, 2);
    expect(contrastWithWhite(hex("#777777"))).toBeCloseTo(4.48, 2);
    expect(contrastWithWhite(hex("#767676"))).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(contrastWithWhite(hex("#777777"))).toBeLessThan(MIN_TEXT_CONTRAST);
    expect(contrastWithWhite(hex("#aaaaaa"))).toBeCloseTo(2.32, 2);
    // Tailwind's teal-700, the README's example accent.
    expect(contrastWithWhite(hex("#0f766e"))).toBeCloseTo(5.47, 2);
  });

  it("doesn't depend on the order of the pair", () => {
    expect(contrastRatio(hex("#fff"), hex("#0f766e"))).toBe(contrastRatio(hex("#0f766e"), hex("#fff")));
  });

  it("formats a ratio rounded down, so a refused one never reads as 4.50:1", () => {
    expect(formatRatio(4.4999)).toBe("4.49:1");
    expect(formatRatio(2.3224)).toBe("2.32:1");
    expect(formatRatio(21)).toBe("21.00:1");
  });
});

describe("accentPalette", () => {
  it("keeps the accent itself as 600, lighter shades below, darker above", () => {
    const palette = accentPalette(hex("#0f766e"));
    expect(palette[600]).toBe("#0f766e");
    const luminances = ([50, 100, 200, 400, 500, 600, 700, 800, 900] as const).map((s) => relativeLuminance(hex(palette[s])));
    for (let i = 1; i < luminances.length; i++) expect(luminances[i]).toBeLessThan(luminances[i - 1]);
  });

  it("comes close to Tailwind's indigo when given indigo-600, the default look", () => {
    // Tailwind v4's indigo in sRGB; each derived shade is within a small distance of it.
    const indigo = { 50: "#eef2ff", 100: "#e0e7ff", 200: "#c6d2ff", 700: "#432dd7", 800: "#372aac", 900: "#312c85" } as const;
    const palette = accentPalette(hex("#4f39f6"));
    for (const [shade, expected] of Object.entries(indigo)) {
      const got = hex(palette[Number(shade) as keyof typeof indigo]);
      const want = hex(expected);
      const distance = Math.max(Math.abs(got.r - want.r), Math.abs(got.g - want.g), Math.abs(got.b - want.b));
      expect(distance, `${shade}: ${toHex(got)} vs ${expected}`).toBeLessThanOrEqual(40);
    }
  });

  // Every colour lib/config.ts accepts, on a grid through the RGB cube (plus the boundary greys):
  // the pairs the pages put together must keep AA contrast, not only the accent on white.
  const accepted: Rgb[] = [hex("#767676")];
  for (let r = 0; r <= 255; r += 17) {
    for (let g = 0; g <= 255; g += 17) {
      for (let b = 0; b <= 255; b += 17) {
        const colour = { r, g, b };
        if (contrastWithWhite(colour) >= MIN_TEXT_CONTRAST) accepted.push(colour);
      }
    }
  }

  it("checks a real sample of accepted colours", () => {
    expect(accepted.length).toBeGreaterThan(500);
    // …including ones right at the limit, where a pairing would fail first.
    expect(accepted.some((c) => contrastWithWhite(c) < 4.7)).toBe(true);
  });

  it("keeps text contrast ≥ 4.5:1 wherever the pages use a shade as text or under white text", () => {
    const slate50 = hex("#f8fafc"); // the page background (app/layout.tsx)
    const white = hex("#ffffff");
    for (const accent of accepted) {
      const p = accentPalette(accent);
      const pairs: [string, string, Rgb, Rgb][] = [
        ["white text on the primary button (600)", "600", white, hex(p[600])],
        ["white text on the hovered button (700)", "700", white, hex(p[700])],
        ["links and the name (700) on the page background", "700/slate-50", hex(p[700]), slate50],
        ["the passkey badge (800 on 100)", "800/100", hex(p[800]), hex(p[100])],
        ["the recovery-codes note (900 on 50)", "900/50", hex(p[900]), hex(p[50])],
      ];
      for (const [what, , text, background] of pairs) {
        expect(contrastRatio(text, background), `${what}, accent ${toHex(accent)}`).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
    }
  });

  it("names the theme's variables", () => {
    const variables = accentCssVariables(hex("#0f766e"));
    expect(Object.keys(variables)).toEqual([50, 100, 200, 400, 500, 600, 700, 800, 900].map((s) => `--color-brand-${s}`));
    expect(variables["--color-brand-600"]).toBe("#0f766e");
  });
});
