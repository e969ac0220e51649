import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FACTOR_NAME_CHARACTERS_MESSAGE, factorNameSchema, keyNameSchema } from "./webauthn-input";

const errorsOf = (value: unknown) => {
  const parsed = keyNameSchema.safeParse(value);
  return parsed.success ? [] : z.flattenError(parsed.error).formErrors;
};

describe("key names", () => {
  it("refuse line breaks, controls, bidi and invisible characters, with one clear message", () => {
    for (const name of [
      "Backup\nkey",
      'Backup". Added by support, no action needed. "\n',
      "Key\r",
      "Tab\tkey",
      "nul\u0000",
      "\u007f",
      "evil\u202egpj.exe",
      "right\u200fto left",
      "line\u2028separator",
      "para\u2029graph",
      "zero\u200bwidth",
      "joiner\u200dword",
      "bom\ufeff",
      "soft\u00adhyphen",
      "lone \ud83d surrogate",
    ]) {
      expect(errorsOf(name), JSON.stringify(name)).toEqual([FACTOR_NAME_CHARACTERS_MESSAGE]);
    }
  });

  it("accept ordinary names with accents, other scripts, punctuation and emoji", () => {
    for (const name of ["Blue YubiKey", "Clé de Zoë", "Schlüssel (Büro)", "ключ №2", "鍵", "🔑 Travel key", "👩‍💻 Work laptop", "👍🏽 ok", "It's “mine” – #1!"]) {
      expect(keyNameSchema.parse(name), name).toBe(name.normalize("NFC"));
    }
  });

  it("are NFC-normalised and trimmed, and keep the length limit", () => {
    expect(keyNameSchema.parse("  Cle\u0301  ")).toBe("Cl\u00e9");
    expect(keyNameSchema.parse("x".repeat(64))).toHaveLength(64);
    expect(errorsOf("x".repeat(65))).toEqual(["Use at most 64 characters."]);
    expect(errorsOf("   ")).toEqual(["Give the key a name, like “Blue YubiKey”."]);
    expect(errorsOf(undefined)).toEqual(["Give the key a name, like “Blue YubiKey”."]);
    expect(errorsOf(42)).toEqual(["Give the key a name, like “Blue YubiKey”."]);
  });

  it("share their rule with other factor names", () => {
    const appName = factorNameSchema("Give the app a name.", 32);
    expect(appName.safeParse("Phone\u202e").success).toBe(false);
    expect(appName.parse(" Phone ")).toBe("Phone");
    expect(appName.safeParse("").error?.issues[0]?.message).toBe("Give the app a name.");
  });
});
