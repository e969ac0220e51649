import { describe, expect, it, vi } from "vitest";
import { describeDevice } from "./device";

describe("describeDevice", () => {
  it("names browser and system", () => {
    const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    expect(describeDevice(ua)).toBe("Chrome on Linux");
  });

  it("copes with unknown and missing agents", () => {
    expect(describeDevice(null)).toBe("Unknown device");
    expect(describeDevice("curl/8.0")).toMatch(/curl|Unknown device/);
  });

  it("gives a user agent that claims to be the operator's tool no special standing", () => {
    expect(describeDevice("admin-cli")).not.toMatch(/administrator/i);
  });

  it("parses an agent once while it is among the last thousand asked, and again after", async () => {
    vi.resetModules();
    const parsed = vi.fn();
    vi.doMock("ua-parser-js", async () => {
      const real = await vi.importActual<typeof import("ua-parser-js")>("ua-parser-js");
      return { ...real, UAParser: (ua: string) => (parsed(ua), real.UAParser(ua)) };
    });
    const { describeDevice: describe } = await import("./device");
    const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:135.0) Gecko/20100101 Firefox/135.0";
    expect(describe(firefox)).toBe("Firefox on Windows");
    expect(describe(firefox)).toBe("Firefox on Windows");
    expect(parsed).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 1_000; i++) describe(`agent-${i}`);
    expect(describe(firefox)).toBe("Firefox on Windows");
    expect(parsed).toHaveBeenCalledTimes(1_002);
    vi.doUnmock("ua-parser-js");
  });
});
