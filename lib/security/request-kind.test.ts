import { describe, expect, it } from "vitest";
import { isPageView } from "./request-kind";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("isPageView", () => {
  it("is true for a browser GET and a client-side navigation", () => {
    expect(isPageView(headers({ accept: "text/html" }))).toBe(true);
    expect(isPageView(headers({ rsc: "1" }))).toBe(true);
  });

  it("is false for the render after a server action, with or without JavaScript", () => {
    expect(isPageView(headers({ "next-action": "7f00aa", "content-type": "text/plain;charset=UTF-8" }))).toBe(false);
    expect(isPageView(headers({ "content-type": "multipart/form-data; boundary=----x" }))).toBe(false);
    expect(isPageView(headers({ "content-type": "application/x-www-form-urlencoded" }))).toBe(false);
  });

  it("is false for a router prefetch", () => {
    expect(isPageView(headers({ rsc: "1", "next-router-prefetch": "1" }))).toBe(false);
  });
});
