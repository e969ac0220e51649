import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NOTICES, SECOND_FACTOR_CHANGES, settingsNotice } from "./notices";

// The files that redirect to /settings/security?notice=…: every id they can send.
const SENDERS = [
  "app/settings/security/actions.ts",
  "app/settings/security/webauthn-actions.ts",
  "app/settings/security/remove/actions.ts",
  "app/settings/security/remove/page.tsx",
  "app/settings/security/sessions/page.tsx",
  "app/actions/recovery-codes-messages.ts",
  "app/settings/security/password-actions.ts",
  "app/settings/security/email-actions.ts",
  "app/settings/security/identities-actions.ts",
  "lib/auth/oidc-identity.ts",
  "app/(auth)/account-recovery/actions.ts",
];
const sentIds = new Set(
  SENDERS.flatMap((file) => {
    const source = readFileSync(path.resolve(file), "utf8");
    // `?notice=totp-enabled` and the ternaries `?notice=${ok ? "key-removed-codes-deleted" : "key-removed"}`.
    const direct = [...source.matchAll(/\?notice=([a-z-]+)/g)].map((m) => m[1]);
    const chosen = [...source.matchAll(/\?notice=\$\{([^}]*)\}/g)].flatMap((m) => [...m[1].matchAll(/"([a-z-]+)"/g)].map((q) => q[1]));
    return [...direct, ...chosen];
  }),
);

describe("settings notices", () => {
  it("words every notice an action sends, and has none that nothing sends", () => {
    expect(sentIds.size).toBeGreaterThan(10);
    expect([...sentIds].filter((id) => !(id in NOTICES))).toEqual([]);
    expect(Object.keys(NOTICES).filter((id) => !sentIds.has(id))).toEqual([]);
  });

  it("offers to sign out other sessions only after second-factor changes it knows", () => {
    for (const id of SECOND_FACTOR_CHANGES) expect(id in NOTICES, id).toBe(true);
    expect(SECOND_FACTOR_CHANGES.has("session-revoked")).toBe(false);
  });

  it("finds a notice by id and nothing for other values", () => {
    expect(settingsNotice("key-added")).toEqual(NOTICES["key-added"]);
    for (const value of ["constructor", "toString", "__proto__", "nope", undefined, ["key-added"]]) {
      expect(settingsNotice(value), String(value)).toBeUndefined();
    }
  });
});
