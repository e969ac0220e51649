import "server-only";
import { z } from "zod";

/**
 * The database layer's own settings, so db/ never reaches up into lib/. lib/config.ts composes
 * this schema into the app's one documented list of variables (README.md, "Configuration").
 */
export const dbConfigSchema = z.object({
  DATABASE_PATH: z.string().min(1).default("data/twofold.db"),
});

export type DbConfig = z.infer<typeof dbConfigSchema>;

let cached: DbConfig | undefined;

export function getDbConfig(): DbConfig {
  if (cached) return cached;
  const parsed = dbConfigSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  cached = parsed.data;
  return cached;
}
