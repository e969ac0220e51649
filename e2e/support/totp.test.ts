import { describe, expect, it } from "vitest";
import { base32Decode, msUntilNextStep, stepAt, totp, totpAtStep } from "./totp";

// RFC 6238 Appendix B, SHA-1 rows: key = ASCII "12345678901234567890", 8 digits, 30 s step.
const RFC_KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("base32Decode", () => {
  it("decodes the RFC 4648 vectors, with or without padding", () => {
    expect(base32Decode("MZXW6YTBOI======").toString()).toBe("foobar");
    expect(base32Decode("MZXW6YTBOI").toString()).toBe("foobar");
    expect(base32Decode("MZXW6YQ=").toString()).toBe("foob");
    expect(base32Decode("MY").toString()).toBe("f");
  });

  it("ignores spaces and case", () => {
    expect(base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").toString()).toBe("12345678901234567890");
  });

  it("rejects characters outside the alphabet", () => {
    expect(() => base32Decode("ABC1")).toThrow(/invalid character/);
  });
});

describe("totp", () => {
  it.each(RFC_VECTORS)("matches RFC 6238 at T=%i", (seconds, code) => {
    expect(totp(RFC_KEY_BASE32, seconds * 1000, 30, 8)).toBe(code);
    expect(totpAtStep(Buffer.from("12345678901234567890"), Math.floor(seconds / 30), 8)).toBe(code);
  });

  it("gives 6 digits by default (last 6 of the 8-digit value)", () => {
    expect(totp(RFC_KEY_BASE32, 59_000)).toBe("287082");
  });

  it("computes step boundaries", () => {
    expect(stepAt(59_999)).toBe(1);
    expect(msUntilNextStep(59_000)).toBe(1_000);
    expect(msUntilNextStep(60_000)).toBe(30_000);
  });
});
