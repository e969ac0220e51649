import { describe, expect, it } from "vitest";
import {
  RECOVERY_CODES_USAGE_LINE,
  recoveryCodesDownloadHref,
  recoveryCodesFileName,
  recoveryCodesSheetText,
} from "./recovery-code-sheet";

const sheet = {
  appName: "Twofold",
  email: "alice@example.test",
  codes: Array.from({ length: 10 }, (_, i) => `abcd-efgh-jkm${"npqrstuvwx"[i]}-${"2345678923"[i]}`),
  generatedAt: "2026-11-23T15:40:12.345Z",
};

describe("recovery codes sheet", () => {
  it("names the app and account, dates the set, numbers every code and says how to use them", () => {
    const lines = recoveryCodesSheetText(sheet).split("\n");
    expect(lines[0]).toBe("Twofold recovery codes for alice@example.test");
    expect(lines[1]).toBe("Generated 2026-11-23 15:40 UTC");
    expect(lines).toContain(" 1. abcd-efgh-jkmn-2");
    expect(lines).toContain("10. abcd-efgh-jkmx-3");
    expect(lines).toContain(RECOVERY_CODES_USAGE_LINE);
  });

  it("names the file after the app and the account", () => {
    expect(recoveryCodesFileName("Twofold", "alice@example.test")).toBe("twofold-recovery-codes-alice@example.test.txt");
    expect(recoveryCodesFileName("My App", "../x/y@z.test")).toBe("my-app-recovery-codes-x-y@z.test.txt");
  });

  it("encodes the sheet as a text/plain data: URL that decodes back to it", () => {
    const href = recoveryCodesDownloadHref(sheet);
    expect(href.startsWith("data:text/plain;charset=utf-8,")).toBe(true);
    expect(decodeURIComponent(href.slice(href.indexOf(",") + 1))).toBe(recoveryCodesSheetText(sheet));
  });
});
