// Seeds Twofold's database directly (its SQLite file, or its PostgreSQL database when given a
// `databaseUrl`), for `npm run bench` only. It re-implements just the data formats the app reads
// (see the comments for the file each one mirrors), because the app's own modules are TypeScript
// behind `server-only`. Every format is proven by the bench's preflight, which signs in through the
// real HTTP forms with the seeded data before anything is measured: if the app changes a format,
// the bench stops with a clear message instead of measuring errors.
//
// The SQL is written once, with `?` placeholders (numbered $n for PostgreSQL) and TRUE/FALSE for
// booleans, which both dialects read; times are epoch-ms numbers in both (SQLite integers,
// PostgreSQL bigints). Each seeding call collects its rows and writes them in one transaction.
import argon2 from "argon2";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { NodeCryptoPlugin } from "@otplib/plugin-crypto-node";
import { generateSecret, generateSync } from "otplib";
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

const otpCrypto = new NodeCryptoPlugin();

/** lib/crypto/keys.ts: HKDF-SHA-256(AUTH_SECRET, salt "twofold", info "twofold/<purpose>/v1"). */
export function deriveKey(authSecret, purpose) {
  const key = Buffer.from(hkdfSync("sha256", authSecret, "twofold", `twofold/${purpose}/v1`, 32));
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
}

/** lib/crypto/encryption.ts: AES-256-GCM, `v1.<keyId>.<nonce>.<ciphertext+tag>`, context as AAD. */
export function encrypt(derived, plaintext, context) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derived.key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return ["v1", derived.id, nonce.toString("base64url"), body.toString("base64url")].join(".");
}

const sha256Hex = (value) => createHash("sha256").update(value).digest("hex");
const randomId = () => randomBytes(16).toString("base64url");
const randomToken = () => randomBytes(32).toString("base64url");

/** lib/mfa/recovery-code-format.ts: 16 characters from this alphabet, shown as xxxx-xxxx-xxxx-xxxx. */
const RECOVERY_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
function recoveryCode() {
  let code = "";
  while (code.length < 16) {
    for (const byte of randomBytes(32)) {
      if (byte >= 248) continue;
      code += RECOVERY_CODE_ALPHABET[byte % 31];
      if (code.length === 16) break;
    }
  }
  return code;
}
const formatRecoveryCode = (code) => code.match(/.{1,4}/g).join("-");

/** lib/mfa/totp-code.ts: RFC 6238, SHA-1, 6 digits, 30 s, 160-bit secrets, via otplib like the app. */
export function totpCode(secret, timeMs = Date.now()) {
  return generateSync({ secret, crypto: otpCrypto, epoch: Math.floor(timeMs / 1000), period: 30, digits: 6, algorithm: "sha1" });
}

/**
 * The password hash parameters are read from lib/auth/password.ts, so the seeded hashes cost
 * exactly what the app's own would (a verification follows the parameters inside the PHC string).
 */
export function readArgon2Options(appDir) {
  const source = readFileSync(path.join(appDir, "lib", "auth", "password.ts"), "utf8");
  const num = (name) => {
    const m = source.match(new RegExp(`${name}:\\s*([0-9_]+)`));
    if (!m) throw new Error(`bench: can't read ${name} from lib/auth/password.ts; update bench/twofold/seed.mjs`);
    return Number(m[1].replaceAll("_", ""));
  };
  if (!/argon2\.argon2id/.test(source)) throw new Error("bench: lib/auth/password.ts no longer uses argon2id; update bench/twofold/seed.mjs");
  return { type: argon2.argon2id, memoryCost: num("memoryCost"), timeCost: num("timeCost"), parallelism: num("parallelism") };
}

/** The SQLite file, as db/client.ts opens it. */
class SqliteStore {
  constructor(file) {
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("synchronous = NORMAL");
    this.statements = new Map();
  }
  async migrate(appDir) {
    migrate(drizzle(this.db), { migrationsFolder: path.join(appDir, "db", "migrations", "sqlite") });
  }
  async hasTable(name) {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(name) !== undefined;
  }
  async write(rows) {
    const prepare = (text) => {
      if (!this.statements.has(text)) this.statements.set(text, this.db.prepare(text));
      return this.statements.get(text);
    };
    this.db.transaction(() => {
      for (const [text, params] of rows) prepare(text).run(...params);
    })();
  }
  async close() {
    this.db.close();
  }
}

/** A PostgreSQL database, on one connection of its own, migrated with the app's migrations. */
class PostgresStore {
  constructor(url) {
    this.client = new pg.Client({ connectionString: url, application_name: "twofold-bench-seed" });
    this.names = new Map();
  }
  async migrate(appDir) {
    await this.client.connect();
    // db/client.ts takes this advisory lock around its own migrations; taken here too, a server
    // started while the seeder migrates waits for it instead of racing it.
    await this.client.query("SELECT pg_advisory_lock($1)", [0x7466_6d67]);
    try {
      await migratePg(drizzlePg(this.client), { migrationsFolder: path.join(appDir, "db", "migrations", "postgres") });
    } finally {
      await this.client.query("SELECT pg_advisory_unlock($1)", [0x7466_6d67]);
    }
  }
  async hasTable(name) {
    const { rows } = await this.client.query("SELECT to_regclass($1) IS NOT NULL AS present", [`public.${name}`]);
    return rows[0].present;
  }
  /** `?` → `$1, $2, …`: the statements contain no `?` of their own. */
  #statement(text) {
    if (!this.names.has(text)) {
      let n = 0;
      this.names.set(text, { name: `seed_${this.names.size}`, text: text.replace(/\?/g, () => `$${++n}`) });
    }
    return this.names.get(text);
  }
  async write(rows) {
    await this.client.query("BEGIN");
    try {
      // Named statements: parsed once on this connection, then only bound and executed.
      for (const [text, values] of rows) await this.client.query({ ...this.#statement(text), values });
      await this.client.query("COMMIT");
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }
  async close() {
    await this.client.end();
  }
}

const SQL = {
  user: "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
  totp: "INSERT INTO totp_credentials (id, user_id, secret_ciphertext, last_used_step, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)",
  session: `INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, authenticated_at,
     second_factor_due_since, amr, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  set: "INSERT INTO recovery_code_sets (id, user_id, status, session_id, created_at, confirmed_at) VALUES (?, ?, 'active', NULL, ?, ?)",
  // All ten codes of a set in one statement: one round trip instead of ten on PostgreSQL.
  codes: `INSERT INTO recovery_codes (set_id, position, code_hash, key_id, used_at) VALUES ${Array(10).fill("(?, ?, ?, ?, NULL)").join(", ")}`,
  key: `INSERT INTO webauthn_credentials (id, user_id, name, public_key, counter, transports, device_type, backed_up,
     is_passkey, aaguid, created_at, last_used_at) VALUES (?, ?, ?, ?, 0, '["usb"]', 'singleDevice', FALSE, FALSE, NULL, ?, NULL)`,
};

export class TwofoldSeeder {
  /** `databaseUrl` (postgres://…) seeds PostgreSQL; otherwise the SQLite file at `databasePath`. */
  constructor({ appDir, databasePath, databaseUrl, authSecret, password }) {
    this.appDir = appDir;
    this.databasePath = databasePath;
    this.databaseUrl = databaseUrl;
    this.authSecret = authSecret;
    this.password = password;
    this.totpKey = deriveKey(authSecret, "totp-secret-encryption");
    this.recoveryKey = deriveKey(authSecret, "recovery-code-hmac");
    this.counter = 0;
    this.rows = [];
  }

  /** Creates and migrates the database exactly as db/client.ts does (same migrator, same folder). */
  async open() {
    this.store = this.databaseUrl ? new PostgresStore(this.databaseUrl) : new SqliteStore(this.databasePath);
    await this.store.migrate(this.appDir);
    // One real argon2id hash with the app's parameters, shared by every seeded user: verifying it
    // costs what any user's would, and seeding thousands of users stays instant.
    this.passwordHash = await argon2.hash(this.password, readArgon2Options(this.appDir));
    this.hasRecoveryCodes = (await this.store.hasTable("recovery_code_sets")) && (await this.store.hasTable("recovery_codes"));
    this.hasWebauthn = await this.store.hasTable("webauthn_credentials");
  }

  async close() {
    await this.store?.close();
    this.store = undefined;
  }

  #row(text, ...params) {
    this.rows.push([text, params]);
  }

  /** Builds the entries (queueing their rows), then writes every row in one transaction. */
  async #seed(build) {
    this.rows = [];
    const entries = build();
    const rows = this.rows;
    this.rows = [];
    await this.store.write(rows);
    return entries;
  }

  #user(kind, now) {
    const id = randomId();
    const email = `${kind}-${Date.now().toString(36)}-${(this.counter++).toString(36)}@bench.test`;
    this.#row(SQL.user, id, email, this.passwordHash, now);
    return { id, email };
  }

  #totp(userId, now) {
    const secret = generateSecret({ length: 20, crypto: otpCrypto });
    // lib/mfa/totp.ts: encrypted with the user id bound as `totp-secret:<userId>`.
    this.#row(SQL.totp, randomId(), userId, encrypt(this.totpKey, secret, `totp-secret:${userId}`), null, now, null);
    return secret;
  }

  #recoveryCodes(userId, now) {
    const setId = randomId();
    this.#row(SQL.set, setId, userId, now, now);
    const codes = [];
    const params = [];
    for (let position = 1; position <= 10; position++) {
      const code = recoveryCode();
      // lib/mfa/recovery-codes.ts: HMAC-SHA-256 over `<userId>\0<normalised code>`.
      const hash = createHmac("sha256", this.recoveryKey.key).update(`${userId}\0${code}`).digest("hex");
      params.push(setId, position, hash, this.recoveryKey.id);
      codes.push(formatRecoveryCode(code));
    }
    this.#row(SQL.codes, ...params);
    return codes;
  }

  #securityKey(userId, now) {
    this.#row(SQL.key, randomBytes(32).toString("base64url"), userId, "Bench key", randomBytes(77), now);
  }

  /** lib/auth/session.ts: the cookie carries the token, the row its SHA-256. */
  #session(userId, now, { secondFactorDue, methods }) {
    const token = randomToken();
    const iso = new Date(now).toISOString();
    const amr = JSON.stringify(methods.map((method) => ({ method, completed_at: iso })));
    this.#row(
      SQL.session,
      // lib/auth/session.ts: a sign-in waiting for its second factor has no authenticated_at yet.
      randomId(), userId, sha256Hex(token), now, now, now + 86_400_000, secondFactorDue ? null : now,
      secondFactorDue ? now : null, amr, "198.18.0.1", "twofold-bench",
    );
    return token;
  }

  /** Accounts with a password only, for the first-factor scenario (used round-robin). */
  async passwordUsers(count) {
    const now = Date.now();
    return this.#seed(() => Array.from({ length: count }, () => ({ email: this.#user("pw", now).email })));
  }

  /** One fresh account per entry, with TOTP and a session that waits for its second factor. */
  async totpPending(count) {
    const now = Date.now();
    return this.#seed(() =>
      Array.from({ length: count }, () => {
        const user = this.#user("totp", now);
        const secret = this.#totp(user.id, now);
        return { token: this.#session(user.id, now, { secondFactorDue: true, methods: ["password"] }), secret };
      }),
    );
  }

  /** One fresh account per entry: TOTP (so a second factor is due) plus ten recovery codes. */
  async recoveryPending(count) {
    if (!this.hasRecoveryCodes) return null;
    const now = Date.now();
    return this.#seed(() =>
      Array.from({ length: count }, (_, i) => {
        const user = this.#user("rc", now);
        this.#totp(user.id, now);
        const codes = this.#recoveryCodes(user.id, now);
        return { token: this.#session(user.id, now, { secondFactorDue: true, methods: ["password"] }), code: codes[i % 10] };
      }),
    );
  }

  /**
   * Fully signed-in (aal2), privileged sessions of accounts that have every method: TOTP, a
   * security key (when the table exists) and recovery codes. For /api/session and the settings page.
   */
  async fullSessions(count) {
    const now = Date.now();
    return this.#seed(() =>
      Array.from({ length: count }, () => {
        const user = this.#user("full", now);
        this.#totp(user.id, now);
        if (this.hasWebauthn) this.#securityKey(user.id, now);
        if (this.hasRecoveryCodes) this.#recoveryCodes(user.id, now);
        return { token: this.#session(user.id, now, { secondFactorDue: false, methods: ["password", "totp"] }) };
      }),
    );
  }
}
