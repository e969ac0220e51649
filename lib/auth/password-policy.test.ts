import { describe, expect, it } from "vitest";
import { checkNewPassword, PASSWORD_MAX_LENGTH } from "./password-policy";

describe("checkNewPassword", () => {
  it("refuses fewer than 8 characters", () => {
    expect(checkNewPassword("k3#Lm9!")).toBe("too_short");
  });

  it("counts code points, not UTF-16 units", () => {
    // Four emoji are 8 UTF-16 units but only 4 characters.
    expect(checkNewPassword("🔑🔑🔑🔑")).toBe("too_short");
    expect(checkNewPassword("🔑🔑🔑🔑🔑🔑🔑🔑")).toBeNull();
  });

  it("refuses more than the maximum", () => {
    expect(checkNewPassword("x".repeat(PASSWORD_MAX_LENGTH + 1))).toBe("too_long");
    expect(checkNewPassword("correct horse ".repeat(9).slice(0, PASSWORD_MAX_LENGTH))).toBeNull();
  });

  it("has no composition rules", () => {
    expect(checkNewPassword("lowercaseonlypassphrase")).toBeNull();
  });

  it("refuses common passwords whatever their case", () => {
    expect(checkNewPassword("password1")).toBe("common");
    expect(checkNewPassword("PassWord1")).toBe("common");
    expect(checkNewPassword("12345678")).toBe("common");
    expect(checkNewPassword("iloveyou")).toBe("common");
  });

  it("refuses the email as password", () => {
    expect(checkNewPassword("Someone@Example.test", "someone@example.test")).toBe("context_word");
  });

  it("applies the length rule to the normalised form", () => {
    // 8 code points typed, 4 once each e + U+0301 is composed into é.
    expect(checkNewPassword("e\u0301e\u0301e\u0301e\u0301")).toBe("too_short");
    // 7 code points typed, 8 once the ligature ﬁ (U+FB01) becomes "fi".
    expect(checkNewPassword("\ufb01-lm-nr")).toBeNull();
    expect(checkNewPassword("e\u0301".repeat(PASSWORD_MAX_LENGTH))).toBeNull();
  });

  it("refuses control characters, which can't be typed into a password field, but keeps format characters", () => {
    for (const c of ["\u0000", "\t", "\n", "\r\n", "\u0007", "\u007f", "\u0085"]) {
      expect(checkNewPassword(`seven amber${c}herons`), JSON.stringify(c)).toBe("control_character");
    }
    // Zero-width joiner (Cf) inside an emoji sequence, and a plain space.
    expect(checkNewPassword("👩\u200d💻 writes long passphrases")).toBeNull();
  });

  it("refuses common passwords typed in compatibility forms", () => {
    // Full-width "password1".
    expect(checkNewPassword("\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11")).toBe("common");
  });
});

describe("checkNewPassword: context-specific words (ASVS 5.0 V6.2.11)", () => {
  const email = "alice.liddell@example.test";

  it("refuses passwords built on the app's name, whatever their case", () => {
    expect(checkNewPassword("twofold2026!", email)).toBe("context_word");
    expect(checkNewPassword("TwoFold2026!")).toBe("context_word");
    expect(checkNewPassword("my-Twofold-pw")).toBe("context_word");
    // What is left is a common password.
    expect(checkNewPassword("twofoldpassword")).toBe("context_word");
  });

  it("refuses passwords built on the email or its local part", () => {
    expect(checkNewPassword("alice.liddell123456", email)).toBe("context_word");
    expect(checkNewPassword("AliceLiddell!2026", email)).toBe("context_word");
    expect(checkNewPassword("Alice.Liddell@Example.test", email)).toBe("context_word");
    expect(checkNewPassword("alice.liddell@example.test1", email)).toBe("context_word");
    // Each word taken out: "twofold" and the local part leave only "--2026".
    expect(checkNewPassword("twofold-alice.liddell-2026", email)).toBe("context_word");
  });

  it("keeps long passphrases that merely contain a context word", () => {
    expect(checkNewPassword("my twofold account has a long passphrase", email)).toBeNull();
    expect(checkNewPassword("alice.liddell walked through the glass", email)).toBeNull();
    expect(checkNewPassword("twofold+8 more chars", email)).toBeNull();
  });

  it("ignores local parts shorter than 3 characters", () => {
    expect(checkNewPassword("al-trombone-12", "al@example.test")).toBeNull();
    expect(checkNewPassword("bob-12345", "bob@example.test")).toBe("context_word");
  });

  it("is not fooled by unnormalised or full-width letters", () => {
    expect(checkNewPassword("\uff54\uff57\uff4f\uff46\uff4f\uff4c\uff44-2026")).toBe("context_word");
    expect(checkNewPassword("re\u0301mi-42424", "r\u00e9mi@example.test")).toBe("context_word");
  });

  it("accepts unrelated passwords with an email given", () => {
    expect(checkNewPassword("correct horse battery", email)).toBeNull();
  });
});
