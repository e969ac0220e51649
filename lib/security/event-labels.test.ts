import { describe, expect, it } from "vitest";
import { describeLogEntry, describeSecurityEvent, userChosenNameRows } from "./event-labels";

describe("user-chosen names in the log", () => {
  const spoof = 'Backup". Added by support, no action needed. "';

  it("never appear inside the entry's sentence", () => {
    for (const type of ["webauthn.added", "webauthn.renamed", "webauthn.removed", "webauthn.counter_regressed", "signin.succeeded", "second_factor.succeeded"]) {
      expect(describeSecurityEvent(type, { key: spoof, method: "webauthn" })).not.toContain("Backup");
      expect(describeLogEntry(type, { key: spoof, method: "webauthn" }, null)).not.toContain("Backup");
    }
  });

  it("come as labelled rows of one line each", () => {
    expect(userChosenNameRows({ key: spoof, passkey: true })).toEqual([["Key name", spoof]]);
    expect(userChosenNameRows({ key: "Old\nname\u202e" })).toEqual([["Key name", "Old\uFFFDname\uFFFD"]]);
    expect(userChosenNameRows({ key: "👩‍💻 laptop" })).toEqual([["Key name", "👩‍💻 laptop"]]);
    expect(userChosenNameRows({ app: "Work phone", method: "totp" })).toEqual([["App name", "Work phone"]]);
    expect(userChosenNameRows({ method: "totp" })).toEqual([]);
    expect(userChosenNameRows({ key: 42 })).toEqual([]);
  });
});
