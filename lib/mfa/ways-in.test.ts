import { describe, expect, it } from "vitest";
import { removalLeavesNoWayIn, unlinkLeavesNoWayIn } from "./ways-in";

const passkey = { isPasskey: true };
const key = { isPasskey: false };

describe("removalLeavesNoWayIn", () => {
  it("refuses the only passkey of an account with no password and no linked identity", () => {
    expect(removalLeavesNoWayIn(passkey, { hasPassword: false, linkedIdentities: 0, passkeys: 1 })).toBe(true);
  });

  it("allows it once there is another way in: a password, an identity, another passkey", () => {
    expect(removalLeavesNoWayIn(passkey, { hasPassword: true, linkedIdentities: 0, passkeys: 1 })).toBe(false);
    expect(removalLeavesNoWayIn(passkey, { hasPassword: false, linkedIdentities: 1, passkeys: 1 })).toBe(false);
    expect(removalLeavesNoWayIn(passkey, { hasPassword: false, linkedIdentities: 0, passkeys: 2 })).toBe(false);
  });

  it("never stops a security key that isn't a passkey: it was never a way in by itself", () => {
    expect(removalLeavesNoWayIn(key, { hasPassword: false, linkedIdentities: 0, passkeys: 1 })).toBe(false);
    expect(removalLeavesNoWayIn(key, { hasPassword: false, linkedIdentities: 0, passkeys: 0 })).toBe(false);
  });
});

describe("unlinkLeavesNoWayIn", () => {
  it("refuses the only identity of an account with no password and no passkey", () => {
    expect(unlinkLeavesNoWayIn({ hasPassword: false, linkedIdentities: 1, passkeys: 0 })).toBe(true);
  });

  it("allows it once there is another way in: a password, a passkey, another identity", () => {
    expect(unlinkLeavesNoWayIn({ hasPassword: true, linkedIdentities: 1, passkeys: 0 })).toBe(false);
    expect(unlinkLeavesNoWayIn({ hasPassword: false, linkedIdentities: 1, passkeys: 1 })).toBe(false);
    expect(unlinkLeavesNoWayIn({ hasPassword: false, linkedIdentities: 2, passkeys: 0 })).toBe(false);
  });
});
