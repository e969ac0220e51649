import "server-only";
import { z } from "zod";
import { dbConfigSchema } from "@/db/config";

/**
 * Every environment knob in one place, parsed once. Documented in README.md ("Configuration").
 * Durations are in seconds, as in docs/contract.md. The database layer reads its own variables
 * (db/config.ts) so that db/ depends on nothing above it; they are composed in here.
 */
const seconds = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

const schema = dbConfigSchema.extend({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_ORIGIN: z.url().default("http://localhost:3000"),
  APP_NAME: z.string().min(1).max(64).default("Twofold"),
  AUTH_SECRET: z.string().optional(),
  /** Comma-separated former AUTH_SECRET values, still accepted to decrypt and verify while rotating. */
  AUTH_SECRET_PREVIOUS: z.string().optional(),
  PRIVILEGED_SESSION_MAX_AGE: seconds(900),
  SESSION_MAX_AGE: seconds(86_400),
  SESSION_IDLE_TIMEOUT: seconds(3_600),
  /** Reverse proxies in front of the app that append to X-Forwarded-For; 0: the TCP peer is the client (lib/security/client.ts). */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Password hashes allowed to run at once; the rest wait in line (lib/auth/password.ts). */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Where notifications go (smtp:// or smtps://, credentials in the URL); unset: .eml files in OUTBOX_DIR. */
  // Not validated beyond that: a wrong URL must not stop the app, its mails just stay queued (lib/mail/queue.ts).
  SMTP_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  /** Folder for .eml files when SMTP_URL is unset (default data/outbox). */
  OUTBOX_DIR: z.string().min(1).optional(),
  /** Sender of notifications; default "APP_NAME <no-reply@host of APP_ORIGIN>". */
  MAIL_FROM: z.string().min(3).max(256).optional(),
});

export type Config = z.infer<typeof schema> & {
  origin: URL;
  /** WebAuthn relying-party id: the host name users see. */
  rpId: string;
  secureCookies: boolean;
};

let cached: Config | undefined;

export function getConfig(): Config {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  }
  const origin = new URL(parsed.data.APP_ORIGIN);
  cached = {
    ...parsed.data,
    origin,
    rpId: origin.hostname,
    secureCookies: origin.protocol === "https:",
  };
  return cached;
}
