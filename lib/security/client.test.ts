import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PEER_HEADER, PEER_HEADER_MARK, canonicalAddress, clientIpFrom, ipBucketKey } from "./client";

const PEER = "192.0.2.10";

describe("clientIpFrom with TRUSTED_PROXY_HOPS=0: the TCP peer, X-Forwarded-For ignored", () => {
  const at0 = (forwardedFor: string | null, peer: string | null = PEER) => clientIpFrom({ peer, forwardedFor, hops: 0 });

  it("is the peer whatever the header says (missing, one entry, several, junk)", () => {
    expect(at0(null)).toBe(PEER);
    expect(at0("203.0.113.77")).toBe(PEER);
    expect(at0("198.51.100.1, 203.0.113.77")).toBe(PEER);
    expect(at0("<script>, 999.1.1.1")).toBe(PEER);
  });

  it("is null without a peer, even with a header", () => {
    expect(at0("203.0.113.77", null)).toBeNull();
    expect(at0(null, null)).toBeNull();
  });

  it("canonicalises the peer as a dual-stack socket reports it", () => {
    expect(at0(null, "::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(at0(null, "::1")).toBe("::1");
    expect(at0(null, "fe80::1%eth0")).toBe("fe80::1");
    expect(at0(null, "not an address")).toBeNull();
  });
});

describe("clientIpFrom with TRUSTED_PROXY_HOPS=1: the entry our one proxy appended", () => {
  const at1 = (forwardedFor: string | null) => clientIpFrom({ peer: PEER, forwardedFor, hops: 1 });

  it("is null with no header (the proxy didn't append), never the peer", () => {
    expect(at1(null)).toBeNull();
  });

  it("is the only entry of an exact header", () => {
    expect(at1("203.0.113.9")).toBe("203.0.113.9");
    expect(at1("  203.0.113.9  ")).toBe("203.0.113.9");
  });

  it("is the right-most entry of a long header; entries the client wrote to its left don't matter", () => {
    expect(at1("198.51.100.1, 203.0.113.9")).toBe("203.0.113.9");
    expect(at1("<script>, ,, 10.0.0.1,203.0.113.9")).toBe("203.0.113.9");
  });

  it("is null when the entry at that position isn't an address, not some other entry", () => {
    expect(at1("")).toBeNull();
    expect(at1("203.0.113.9, ")).toBeNull();
    expect(at1("203.0.113.9, unknown")).toBeNull();
    expect(at1("203.0.113.9, 999.1.1.1")).toBeNull();
  });
});

describe("clientIpFrom with TRUSTED_PROXY_HOPS=2: the entry the outer of two proxies appended", () => {
  const at2 = (forwardedFor: string | null) => clientIpFrom({ peer: PEER, forwardedFor, hops: 2 });

  it("is null when the header is missing or shorter than the proxy chain (no fallback to the client's entry)", () => {
    expect(at2(null)).toBeNull();
    expect(at2("203.0.113.9")).toBeNull();
  });

  it("is the second entry from the right of an exact or long header", () => {
    expect(at2("203.0.113.9, 10.0.0.2")).toBe("203.0.113.9");
    expect(at2("198.51.100.1, 203.0.113.9, 10.0.0.2")).toBe("203.0.113.9");
    expect(at2("1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.9, 10.0.0.2")).toBe("203.0.113.9");
  });

  it("counts empty entries as positions, so a client can't shift which one is read", () => {
    expect(at2(", 10.0.0.2")).toBeNull();
    expect(at2("203.0.113.9, , 10.0.0.2")).toBeNull();
  });

  it("is null for junk at that position", () => {
    expect(at2("203.0.113.9, <script>, 10.0.0.2")).toBeNull();
    expect(at2("evil.example, 10.0.0.2")).toBeNull();
  });

  it("canonicalises the entry it reads", () => {
    expect(at2("::ffff:203.0.113.9, 10.0.0.2")).toBe("203.0.113.9");
    expect(at2("2001:DB8:0:0:0:0:0:1, 10.0.0.2")).toBe("2001:db8::1");
  });
});

describe("canonicalAddress", () => {
  it("keeps dotted-quad IPv4 and refuses other IPv4 spellings", () => {
    expect(canonicalAddress("203.0.113.9")).toBe("203.0.113.9");
    expect(canonicalAddress("0.0.0.0")).toBe("0.0.0.0");
    for (const bad of ["203.0.113.09", "0x7f.0.0.1", "2130706433", "1.2.3", "256.1.1.1", "1.2.3.4.5", "1.2.3.4%eth0"]) {
      expect(canonicalAddress(bad), bad).toBeNull();
    }
  });

  it("folds IPv4-mapped IPv6 to IPv4, in dotted and hex spelling", () => {
    expect(canonicalAddress("::ffff:1.2.3.4")).toBe("1.2.3.4");
    expect(canonicalAddress("::FFFF:1.2.3.4")).toBe("1.2.3.4");
    expect(canonicalAddress("::ffff:102:304")).toBe("1.2.3.4");
    expect(canonicalAddress("0:0:0:0:0:ffff:c000:020a")).toBe("192.0.2.10");
    expect(canonicalAddress("[::ffff:1.2.3.4]:443")).toBe("1.2.3.4");
  });

  it("writes IPv6 as RFC 5952 says: lower case, no leading zeros, the longest zero run as ::", () => {
    expect(canonicalAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(canonicalAddress("2001:0db8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(canonicalAddress("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1"); // first of two equal runs
    expect(canonicalAddress("2001:db8:0:1:0:0:0:1")).toBe("2001:db8:0:1::1"); // the longer run, not the first
    expect(canonicalAddress("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1"); // one zero group stays
    expect(canonicalAddress("0:0:0:0:0:0:0:0")).toBe("::");
    expect(canonicalAddress("::1")).toBe("::1");
    expect(canonicalAddress("1:0:0:0:0:0:0:0")).toBe("1::");
    expect(canonicalAddress("::1.2.3.4")).toBe("::102:304"); // IPv4-compatible (deprecated) is not mapped
  });

  it("drops brackets, ports and zones, and surrounding whitespace", () => {
    expect(canonicalAddress("[2001:db8::1]")).toBe("2001:db8::1");
    expect(canonicalAddress("[2001:db8::1]:8443")).toBe("2001:db8::1");
    expect(canonicalAddress("203.0.113.9:51234")).toBe("203.0.113.9");
    expect(canonicalAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(canonicalAddress("[fe80::1%25eth0]:80")).toBe("fe80::1");
    expect(canonicalAddress("\t2001:db8::1 ")).toBe("2001:db8::1");
  });

  it("refuses what isn't one address", () => {
    for (const bad of ["", " ", "unknown", "_hidden", "localhost", "[1.2.3.4]", "[2001:db8::1", "2001:db8::1]", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::1", "g::1", "2001:db8::1:80:", "1.2.3.4:99999", "<script>"]) {
      expect(canonicalAddress(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe("ipBucketKey", () => {
  it("keys IPv4 by the address", () => {
    expect(ipBucketKey("203.0.113.9")).toBe("203.0.113.9");
    expect(ipBucketKey("203.0.113.10")).not.toBe(ipBucketKey("203.0.113.9"));
  });

  it("keys IPv6 by its /64: any interface id of one /64 gives one key", () => {
    expect(ipBucketKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipBucketKey("2001:db8:1:2:a:b:c:d")).toBe("2001:db8:1:2::/64");
    expect(ipBucketKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(ipBucketKey("2001:DB8:1:2:0:0:0:7")).toBe("2001:db8:1:2::/64");
    expect(ipBucketKey("2001:db8::5")).toBe("2001:db8::/64");
  });

  it("gives different /64s different keys", () => {
    expect(ipBucketKey("2001:db8:1:3::1")).not.toBe(ipBucketKey("2001:db8:1:2::1"));
    expect(ipBucketKey("2001:db8:2:2::1")).not.toBe(ipBucketKey("2001:db8:1:2::1"));
  });

  it("folds IPv4-mapped IPv6 to the IPv4 key", () => {
    expect(ipBucketKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("is \"unknown\" without an address", () => {
    expect(ipBucketKey(null)).toBe("unknown");
    expect(ipBucketKey("not an address")).toBe("unknown");
  });
});

describe("server.mjs and client.ts agree on the peer header", () => {
  it("names the same header and process mark", () => {
    const server = readFileSync(path.resolve(import.meta.dirname, "../../server.mjs"), "utf8");
    expect(server).toContain(`"${PEER_HEADER}"`);
    expect(server).toContain(`Symbol.for("${PEER_HEADER_MARK.description}")`);
  });
});
