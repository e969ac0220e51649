// A stand-in for next/headers in unit tests: `cookies()` reads and writes one in-memory jar (the
// browser's cookies as our code sees them), `headers()` a fixed user agent. Use it with
// `vi.mock("next/headers", () => import("@/test/next-headers"))`, and read `cookieJar` to check
// what the code set.
export const cookieJar = new Map<string, string>();

export async function cookies() {
  return {
    get: (name: string) => (cookieJar.has(name) ? { name, value: cookieJar.get(name)! } : undefined),
    has: (name: string) => cookieJar.has(name),
    set: (name: string, value: string) => void cookieJar.set(name, value),
    delete: (name: string) => void cookieJar.delete(name),
  };
}

export async function headers() {
  return new Headers({ "user-agent": "vitest" });
}
