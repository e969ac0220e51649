import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a migration per dialect; db/client.ts applies them at start.
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema/sqlite.ts",
  out: "./db/migrations/sqlite",
});
