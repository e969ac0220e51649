import { describe, expect, it } from "vitest";
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
});
