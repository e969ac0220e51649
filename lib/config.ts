import "server-only";
import path from "node:path";
import { z } from "zod";
import { dbConfigSchema } from "@/db/config";
import { MIN_TEXT_CONTRAST, contrastWithWhite, formatRatio, parseHexColour, toHex } from "@/lib/branding/colour";
import { logoPathProblem } from "@/lib/branding/logo";

/**
 * Every environment knob in one place, parsed once. Documented in README.md ("Configuration").
 * Durations are in seconds, as in docs/contract.md. The database layer reads its own variables
 * (db/config.ts) so that db/ depends on nothing above it; they are composed in here.
 */
const seconds = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);

/** Next.js serves public/ from the folder the server runs in (`npm start` runs in the app's). */
const PUBLIC_DIR = path.join(process.cwd(), "public");

/**
 * The accent colour, refused at start when text in it (or white text on it) would be hard to read:
 * WCAG 2.1 AA's 4.5:1 against white (lib/branding/colour.ts). Normalised to lower-case #rrggbb.
 */
const accentColour = z.string().transform((value, ctx) => {
  const rgb = parseHexColour(value);
  if (!rgb) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} is not a hex colour; use #rgb or #rrggbb, like #0f766e` });
    return z.NEVER;
  }
  const ratio = contrastWithWhite(rgb);
  if (ratio < MIN_TEXT_CONTRAST) {
    ctx.addIssue({
      code: "custom",
      message: `${value} has a contrast of ${formatRatio(ratio)} against white, below the ${MIN_TEXT_CONTRAST}:1 that text and buttons in it need (WCAG 2.1 AA); choose a darker colour`,
    });
    return z.NEVER;
  }
  return toHex(rgb);
});

const schema = dbConfigSchema.extend({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_ORIGIN: z.url().default("http://localhost:3000"),
  /** The product name users see: pages, mails, authenticator apps (TOTP issuer), WebAuthn prompts. */
  APP_NAME: z.string().trim().min(1).max(64).default("Twofold"),
  /** A logo beside the name: a path under public/, e.g. /brand/logo.svg (lib/branding/logo.ts). */
  APP_LOGO: z.preprocess(unsetIfEmpty, z.string().superRefine((value, ctx) => {
    const problem = logoPathProblem(value, PUBLIC_DIR);
    if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} ${problem}` });
  }).optional()),
  /** Accent colour of buttons, links and focus rings; unset: Tailwind's indigo (app/globals.css). */
  APP_ACCENT: z.preprocess(unsetIfEmpty, accentColour.optional()),
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
  SMTP_URL: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** Folder for .eml files when SMTP_URL is unset (default data/outbox). */
  OUTBOX_DIR: z.string().min(1).optional(),
  /** Sender of notifications; default "APP_NAME <no-reply@host of APP_ORIGIN>". */
  MAIL_FROM: z.string().min(3).max(256).optional(),
  /** Operator policy: every account must add a second factor (lib/auth/second-factor-policy.ts). */
  REQUIRE_SECOND_FACTOR: z.preprocess(
    unsetIfEmpty,
    z.enum(["true", "false"], { error: "use true or false" }).default("false").transform((v) => v === "true"),
  ),
  /** Days an account has, from the policy's first sign-in (or its sign-up), before it may only enrol; 0: at once. */
  REQUIRE_SECOND_FACTOR_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  /**
   * The wait between opening an account-recovery link and being able to finish it, in seconds
   * (lib/auth/account-recovery.ts, docs/security.md "Account recovery"). 72 hours by default; at
   * most 30 days. Tests set a few seconds.
   */
  ACCOUNT_RECOVERY_DELAY: z.coerce.number().int().min(1).max(30 * 86_400).default(259_200),
  /**
   * One OpenID Connect provider as a first factor (lib/auth/oidc.ts); all four or none. The
   * redirect URI to register at the provider is APP_ORIGIN/api/auth/callback/oidc.
   */
  OIDC_ISSUER: z.preprocess(unsetIfEmpty, z.url().optional()),
  OIDC_CLIENT_ID: z.preprocess(unsetIfEmpty, z.string().min(1).max(512).optional()),
  OIDC_CLIENT_SECRET: z.preprocess(unsetIfEmpty, z.string().min(1).max(1024).optional()),
  /** The provider's name on the buttons: "Sign in with OIDC_NAME", "Link OIDC_NAME". */
  OIDC_NAME: z.preprocess(unsetIfEmpty, z.string().trim().min(1).max(64).optional()),
}).superRefine((env, ctx) => {
  const oidc = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME"] as const;
  const set = oidc.filter((name) => env[name] !== undefined);
  if (set.length > 0 && set.length < oidc.length) {
    for (const name of oidc.filter((n) => env[n] === undefined)) {
      ctx.addIssue({ code: "custom", path: [name], message: `must be set too (${set.join(", ")} ${set.length === 1 ? "is" : "are"}), or unset them all` });
    }
  }
});

export type Config = z.infer<typeof schema> & {
  origin: URL;
  /** WebAuthn relying-party id: the host name users see. */
  rpId: string;
  secureCookies: boolean;
  /** The OpenID Connect provider, when all of OIDC_* are set. */
  oidc: OidcProviderConfig | undefined;
};

export interface OidcProviderConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
}

let cached: Config | undefined;

export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * For instrumentation.ts: a wrong variable ends the process with its one-line message. Next.js
 * only logs an error thrown while the server starts and serves anyway, every page then failing.
 */
export function checkConfigAtStart(): void {
  try {
    getConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

/**
 * The environment as the app reads it, or a one-line error naming each wrong variable
 * ("Invalid configuration: APP_ACCENT: #aaaaaa has a contrast of 2.32:1 …"), so a failed start
 * says what to fix in its first line.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  }
  const origin = new URL(parsed.data.APP_ORIGIN);
  return {
    ...parsed.data,
    origin,
    rpId: origin.hostname,
    secureCookies: origin.protocol === "https:",
    oidc:
      parsed.data.OIDC_ISSUER && parsed.data.OIDC_CLIENT_ID && parsed.data.OIDC_CLIENT_SECRET && parsed.data.OIDC_NAME
        ? { issuer: parsed.data.OIDC_ISSUER, clientId: parsed.data.OIDC_CLIENT_ID, clientSecret: parsed.data.OIDC_CLIENT_SECRET, name: parsed.data.OIDC_NAME }
        : undefined,
  };
}
