import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a migration per dialect; db/client.ts applies them at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/postgres.ts",
  out: "./db/migrations/postgres",
});
