import "server-only";
import { z } from "zod";

/**
 * The database layer's own settings, so db/ never reaches up into lib/. lib/config.ts composes
 * this schema into the app's one documented list of variables (README.md, "Configuration").
 */
export const dbConfigSchema = z.object({
  /** postgres://… selects PostgreSQL; without it the app runs on the SQLite file below. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATABASE_PATH: z.string().min(1).default("data/twofold.db"),
  /** Connections per app server (PostgreSQL only). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export type DbConfig = z.infer<typeof dbConfigSchema>;
export type Dialect = "sqlite" | "postgres";

let cached: DbConfig | undefined;

export function getDbConfig(): DbConfig {
  if (cached) return cached;
  const parsed = dbConfigSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  cached = parsed.data;
  return cached;
}

export function databaseDialect(): Dialect {
  return getDbConfig().DATABASE_URL ? "postgres" : "sqlite";
}
