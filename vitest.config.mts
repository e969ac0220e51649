import path from "node:path";
import { defineConfig } from "vitest/config";
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "test/empty-module.ts") } },
  test: { environment: "node", include: ["proxy.test.ts", "lib/**/*.test.ts", "db/**/*.test.ts", "app/**/*.test.ts", "e2e/support/**/*.test.ts"] },
});
