import { describe, expect, it } from "vitest";
import {
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_ENTROPY_BITS,
  RECOVERY_CODE_LENGTH,
  formatRecoveryCode,
  generateRecoveryCode,
  generateRecoveryCodes,
  normaliseRecoveryCode,
} from "./recovery-code-format";

describe("recovery code alphabet and entropy", () => {
  it("has 31 distinct characters and no look-alikes", () => {
    expect(new Set(RECOVERY_CODE_ALPHABET).size).toBe(31);
    expect(RECOVERY_CODE_ALPHABET.length).toBe(31);
    for (const lookAlike of ["0", "o", "1", "l", "i"]) expect(RECOVERY_CODE_ALPHABET).not.toContain(lookAlike);
  });

  it("gives each code at least 64 bits", () => {
    expect(RECOVERY_CODE_ENTROPY_BITS).toBeGreaterThanOrEqual(64);
    expect(RECOVERY_CODE_ENTROPY_BITS).toBeCloseTo(79.3, 1);
  });

  it("generates codes of the right length from the alphabet only", () => {
    for (const code of generateRecoveryCodes(200)) {
      expect(code).toHaveLength(RECOVERY_CODE_LENGTH);
      expect(code).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{16}$/);
    }
  });

  it("makes sets of 10 distinct codes by default", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
  });

  it("skips bytes that would bias the distribution (rejection sampling)", () => {
    // 248..255 are above the largest multiple of 31 and must be dropped, not wrapped to "2".."9".
    // The 16 bytes give 14 characters; the second draw (the same bytes again) gives the last two.
    const bytes = [255, 248, 0, 30, 31, 247, 62, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const code = generateRecoveryCode(() => Buffer.from(bytes));
    expect(code).toBe(
      [0, 30, 0, 30, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 30].map((i) => RECOVERY_CODE_ALPHABET[i]).join(""),
    );
  });

  it("uses every character about equally often (no modulo bias)", () => {
    const counts = new Map<string, number>();
    const codes = generateRecoveryCodes(4000);
    for (const code of codes) for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (codes.length * RECOVERY_CODE_LENGTH) / 31;
    expect(counts.size).toBe(31);
    // ~1677 per character; 6 standard deviations (~240) is far outside chance, well inside a bias
    // of 8/256 (which would move the first 8 characters by ~+50%).
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(250);
  });
});

describe("formatRecoveryCode", () => {
  it("shows a code as four even groups of four", () => {
    expect(formatRecoveryCode("abcdefghjkmnpqrs")).toBe("abcd-efgh-jkmn-pqrs");
    for (const generated of generateRecoveryCodes(50)) {
      expect(formatRecoveryCode(generated)).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    }
  });
});

describe("normaliseRecoveryCode", () => {
  const code = "abcdefghjkmnpqrs";

  it.each([
    "abcd-efgh-jkmn-pqrs",
    "ABCD-EFGH-JKMN-PQRS",
    "  abcd efgh jkmn pqrs ",
    "abcdefghjkmnpqrs",
    "abcd–efgh—jkmn‑pqrs",
    "ａｂｃｄ-ｅｆｇｈ-ｊｋｍｎ-ｐｑｒｓ",
    "abcd.efgh_jkmn-pqrs",
  ])("accepts %j", (input) => {
    expect(normaliseRecoveryCode(input)).toBe(code);
  });

  it.each([
    "abcd-efgh-jkmn-p",
    "ABCD EFGH JKMN P",
    "abcdefghjkmnp",
  ])("still accepts a code of the earlier 13-character format, %j", (input) => {
    expect(normaliseRecoveryCode(input)).toBe("abcdefghjkmnp");
  });

  it.each([
    "", "abcd-efgh-jkmn", "abcd-efgh-jkmn-pq", "abcd-efgh-jkmn-pqr", "abcd-efgh-jkmn-pqrst",
    "abcd-efgh-jkmn-pqr0", "abcd-efgh-jkmn-pqrl", "abcd/efgh/jkmn/pqrs", "abcd-efgh-jkmn-pqré",
  ])(
    "refuses %j",
    (input) => {
      expect(normaliseRecoveryCode(input)).toBeNull();
    },
  );

  it("round-trips every generated code through its display form", () => {
    for (const generated of generateRecoveryCodes(50)) {
      expect(normaliseRecoveryCode(formatRecoveryCode(generated))).toBe(generated);
      expect(normaliseRecoveryCode(formatRecoveryCode(generated).toUpperCase())).toBe(generated);
    }
  });
});
