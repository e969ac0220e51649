import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

// The unit tests written for both dialects (`*.both.test.ts`), again on PostgreSQL, and those about
// PostgreSQL alone (`*.pg.test.ts`, left out of the default pass): a throwaway
// cluster for the run (test/postgres-setup.ts) and a database per test file (test/database.ts).
export default defineConfig({
  resolve: base.resolve,
  test: {
    ...base.test,
    include: ["db/**/*.both.test.ts", "lib/**/*.both.test.ts", "e2e/support/**/*.both.test.ts", "db/**/*.pg.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["test/postgres-setup.ts"],
    env: { TWOFOLD_TEST_DIALECT: "postgres" },
  },
});
