// `node bench/micro/twofold.mjs <appDir>`: in-process cost of the checks behind Twofold's sign-in
// steps, with the app's parameters and the same libraries (argon2, otplib + Node's crypto plugin,
// node:crypto). Prints JSON. Used by bench/run.mjs for the hash bound and the "µs, not ms" claim.
import argon2 from "argon2";
import { NodeCryptoPlugin } from "@otplib/plugin-crypto-node";
import { generateSecret, generateSync, verifySync } from "otplib";
import { createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { deriveKey, encrypt, readArgon2Options } from "../twofold/seed.mjs";
import { cpuTimed, median } from "./measure.mjs";

const appDir = process.argv[2];
const options = readArgon2Options(appDir);
const password = "correct horse battery staple";
const hash = await argon2.hash(password, options);
for (let i = 0; i < 3; i++) await argon2.verify(hash, password); // warm-up
const hashRuns = [];
for (let i = 0; i < 25; i++) {
  const t = process.hrtime.bigint();
  await argon2.verify(hash, password);
  hashRuns.push(Number(process.hrtime.bigint() - t) / 1e6);
}

// TOTP exactly as lib/mfa/totp.ts + totp-code.ts: decrypt the stored secret, verify ±1 step.
const crypto = new NodeCryptoPlugin();
const key = deriveKey("x".repeat(64), "totp-secret-encryption");
const secret = generateSecret({ length: 20, crypto });
const stored = encrypt(key, secret, "totp-secret:user");
const decrypt = (sealed, context) => {
  const [, , nonce, body] = sealed.split(".");
  const b = Buffer.from(body, "base64url");
  const d = createDecipheriv("aes-256-gcm", key.key, Buffer.from(nonce, "base64url"));
  d.setAAD(Buffer.from(context));
  d.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([d.update(b.subarray(0, b.length - 16)), d.final()]).toString("utf8");
};
const now = Date.now();
const code = generateSync({ secret, crypto, epoch: Math.floor(now / 1000), period: 30, digits: 6, algorithm: "sha1" });
const totp = cpuTimed(20_000, () => {
  const s = decrypt(stored, "totp-secret:user");
  const r = verifySync({ secret: s, token: code, crypto, epoch: Math.floor(now / 1000), period: 30, digits: 6, algorithm: "sha1", epochTolerance: 30 });
  if (!r.valid) throw new Error("bench: TOTP micro-benchmark produced an invalid code");
});
// The worst case for the window: a wrong code makes the check compute all three steps.
const totpWrong = cpuTimed(20_000, () => {
  const s = decrypt(stored, "totp-secret:user");
  verifySync({ secret: s, token: "000000", crypto, epoch: Math.floor(now / 1000), period: 30, digits: 6, algorithm: "sha1", epochTolerance: 30 });
});

// Recovery code as lib/mfa/recovery-codes.ts: normalise, one HMAC-SHA-256 per key.
const rcKey = deriveKey("x".repeat(64), "recovery-code-hmac");
const recovery = cpuTimed(50_000, () => {
  const c = "abcd-efgh-jkmn-pqrs".normalize("NFKC").replace(/[\s\-\u2010-\u2015\u2212._]/g, "").toLowerCase();
  createHmac("sha256", rcKey.key).update(`user\0${c}`).digest("hex");
});

// The per-request session check's crypto (lib/auth/session.ts): SHA-256 of the cookie token.
const token = randomBytes(32).toString("base64url");
const session = cpuTimed(100_000, () => createHash("sha256").update(token).digest("hex"));

console.log(JSON.stringify({
  password: { algorithm: `argon2id m=${options.memoryCost} KiB t=${options.timeCost} p=${options.parallelism}`, ms: median(hashRuns) },
  totp: { what: "decrypt (AES-256-GCM) + otplib verify, ±1 step", ...totp },
  totpWrong: { what: "same, wrong code (all 3 steps computed)", ...totpWrong },
  recovery: { what: "normalise + HMAC-SHA-256", ...recovery },
  session: { what: "SHA-256 of the cookie token", ...session },
}));
