import { describe, expect, it } from "vitest";
import { clientIpFrom } from "./client";

describe("clientIpFrom", () => {
  it("takes the right-most entry when no proxy is trusted", () => {
    expect(clientIpFrom("203.0.113.9", 0)).toBe("203.0.113.9");
    expect(clientIpFrom("198.51.100.1, 203.0.113.9", 0)).toBe("203.0.113.9");
  });

  it("skips trusted proxy hops from the right", () => {
    expect(clientIpFrom("198.51.100.1, 203.0.113.9, 10.0.0.2", 1)).toBe("203.0.113.9");
    expect(clientIpFrom("203.0.113.9", 3)).toBe("203.0.113.9");
  });

  it("unwraps IPv4-mapped IPv6 and accepts IPv6", () => {
    expect(clientIpFrom("::ffff:127.0.0.1", 0)).toBe("127.0.0.1");
    expect(clientIpFrom("2001:db8::1", 0)).toBe("2001:db8::1");
  });

  it("refuses anything that is not an address", () => {
    expect(clientIpFrom(null, 0)).toBeNull();
    expect(clientIpFrom("", 0)).toBeNull();
    expect(clientIpFrom("<script>", 0)).toBeNull();
  });
});
