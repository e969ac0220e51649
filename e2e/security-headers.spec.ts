// Headers the proxy sets at run time, and the paths its matcher must not skip.
import { expect, test } from "./support/fixtures";

test("the http test server sends no Strict-Transport-Security (it would pin localhost)", async ({ request }) => {
  const res = await request.get("/login");
  expect(res.status()).toBe(200);
  expect(res.headers()["strict-transport-security"]).toBeUndefined();
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test("look-alikes of the skipped paths still go through the proxy", async ({ request }) => {
  for (const path of ["/robots.txt.x", "/faviconXico", "/_next/staticfoo", "/api/sessionx"]) {
    const page = await request.get(path);
    expect(page.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
    // The Origin check runs before anything else could answer.
    const forged = await request.post(path, { headers: { origin: "https://evil.example" }, data: "x" });
    expect(forged.status(), path).toBe(403);
  }
});
