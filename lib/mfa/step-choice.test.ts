import { describe, expect, it } from "vitest";
import { chooseSecondFactorStep } from "@/lib/mfa/step-choice";

const ALL = ["webauthn", "totp", "lookup_secret"] as const;

describe("chooseSecondFactorStep", () => {
  it("offers the method used last, with the others as alternatives in the registry's order", () => {
    expect(chooseSecondFactorStep(ALL, { lastUsed: "totp" })).toEqual({ primary: "totp", alternatives: ["webauthn", "lookup_secret"] });
    expect(chooseSecondFactorStep(ALL, { lastUsed: "webauthn" })).toEqual({ primary: "webauthn", alternatives: ["totp", "lookup_secret"] });
  });

  it("falls back to the account's first method (the key before the app) when none was used yet", () => {
    expect(chooseSecondFactorStep(ALL, { lastUsed: null })).toEqual({ primary: "webauthn", alternatives: ["totp", "lookup_secret"] });
    expect(chooseSecondFactorStep(["totp", "lookup_secret"], {})).toEqual({ primary: "totp", alternatives: ["lookup_secret"] });
  });

  it("never makes recovery codes the default because one was used last", () => {
    expect(chooseSecondFactorStep(ALL, { lastUsed: "lookup_secret" })?.primary).toBe("webauthn");
    expect(chooseSecondFactorStep(["totp", "lookup_secret"], { lastUsed: "lookup_secret" })?.primary).toBe("totp");
  });

  it("offers recovery codes first when they are all the account has", () => {
    expect(chooseSecondFactorStep(["lookup_secret"], {})).toEqual({ primary: "lookup_secret", alternatives: [] });
  });

  it("honours a requested method only when it is enrolled", () => {
    expect(chooseSecondFactorStep(ALL, { requested: "lookup_secret", lastUsed: "totp" })?.primary).toBe("lookup_secret");
    expect(chooseSecondFactorStep(["totp"], { requested: "webauthn" })?.primary).toBe("totp");
    expect(chooseSecondFactorStep(["totp"], { requested: ["totp", "webauthn"] })?.primary).toBe("totp");
    expect(chooseSecondFactorStep(ALL, { requested: "password", lastUsed: "totp" })?.primary).toBe("totp");
  });

  it("ignores a last-used method the account no longer has", () => {
    expect(chooseSecondFactorStep(["totp", "lookup_secret"], { lastUsed: "webauthn" })?.primary).toBe("totp");
  });

  it("has nothing to offer an account without second factors", () => {
    expect(chooseSecondFactorStep([], { lastUsed: "totp" })).toBeNull();
  });
});
