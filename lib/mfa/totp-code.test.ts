import { describe, expect, it } from "vitest";
import {
  formatSetupKey,
  matchTotpStep,
  newTotpSecret,
  normaliseTotpCode,
  totpCodeAt,
  totpStepAt,
  totpUri,
} from "./totp-code";

// RFC 6238 Appendix B: SHA-1 with the ASCII secret "12345678901234567890" (base32 below). The RFC
// lists 8-digit values; a 6-digit code is the same truncated value mod 10^6, i.e. its last 6 digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("RFC 6238 Appendix B (SHA-1)", () => {
  it.each(RFC_VECTORS)("T=%i gives %s", (seconds, expected) => {
    expect(totpCodeAt(RFC_SECRET, seconds * 1000)).toBe(expected.slice(-6));
  });
});

describe("matchTotpStep window", () => {
  const now = 1_700_000_015_000; // mid-step
  const step = totpStepAt(now);
  const secret = newTotpSecret();
  const codeAtOffset = (steps: number) => totpCodeAt(secret, now + steps * 30_000);

  it("accepts the current step and one step either side, naming the step", () => {
    expect(matchTotpStep(secret, codeAtOffset(0), now)).toBe(step);
    expect(matchTotpStep(secret, codeAtOffset(-1), now)).toBe(step - 1);
    expect(matchTotpStep(secret, codeAtOffset(1), now)).toBe(step + 1);
  });

  it("refuses two steps away", () => {
    // A code can collide with a neighbouring step's by chance (1 in 10^6); skip that case honestly.
    for (const offset of [-2, 2]) {
      const code = codeAtOffset(offset);
      const collides = [-1, 0, 1].some((near) => codeAtOffset(near) === code);
      expect(matchTotpStep(secret, code, now)).toBe(collides ? expect.any(Number) : null);
    }
  });

  it("refuses a code of another secret", () => {
    const other = newTotpSecret();
    const code = totpCodeAt(other, now);
    const collides = [-1, 0, 1].some((near) => codeAtOffset(near) === code);
    expect(matchTotpStep(secret, code, now) === null).toBe(!collides);
  });
});

describe("secrets and formatting", () => {
  it("makes 160-bit base32 secrets, different each time", () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(a);
  });

  it("groups the setup key by four", () => {
    expect(formatSetupKey("ABCDEFGHIJKLMNOP")).toBe("ABCD EFGH IJKL MNOP");
  });

  it("normalises typed codes", () => {
    expect(normaliseTotpCode(" 123 456 ")).toBe("123456");
    expect(normaliseTotpCode("123-456")).toBe("123456");
    expect(normaliseTotpCode("12345")).toBeNull();
    expect(normaliseTotpCode("1234567")).toBeNull();
    expect(normaliseTotpCode("12a456")).toBeNull();
    expect(normaliseTotpCode("１２３４５６")).toBeNull();
  });

  it("writes the otpauth URI authenticator apps expect", () => {
    const uri = new URL(totpUri("JBSWY3DPEHPK3PXP", "Twofold", "ann@example.test"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Twofold:ann@example.test");
    expect(uri.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(uri.searchParams.get("issuer")).toBe("Twofold");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
