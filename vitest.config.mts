import path from "node:path";
import { defineConfig } from "vitest/config";
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "test/empty-module.ts") } },
  // The first import of the app's module graph (transform + SQLite migration) in a beforeAll can
  // take several seconds on a busy 2-core machine; 10 s (the default) was seen to be too tight.
  test: {
    environment: "node",
    hookTimeout: 30_000,
    include: ["proxy.test.ts", "lib/**/*.test.ts", "db/**/*.test.ts", "app/**/*.test.ts", "e2e/support/**/*.test.ts"],
    // PostgreSQL-only tests run in vitest.postgres.config.mts, which starts the cluster they need.
    exclude: ["**/node_modules/**", "**/*.pg.test.ts"],
  },
});
