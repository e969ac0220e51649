// `node bench/peer/micro.mjs`: in-process cost of the same checks in Better Auth, through its own
// functions: scrypt verification, TOTP (decrypt the secret + verify, as /two-factor/verify-totp
// does), backup code (decrypt the list, check, re-encrypt the rest), session cookie signature.
import { hashPassword, verifyPassword, symmetricDecrypt, symmetricEncrypt, generateRandomString, makeSignature } from "better-auth/crypto";
import { createOTP } from "@better-auth/utils/otp";
import { cpuTimedAsync, median } from "../micro/measure.mjs";

const password = "correct horse battery staple";
const hash = await hashPassword(password);
for (let i = 0; i < 3; i++) await verifyPassword({ hash, password });
const hashRuns = [];
for (let i = 0; i < 25; i++) {
  const t = process.hrtime.bigint();
  await verifyPassword({ hash, password });
  hashRuns.push(Number(process.hrtime.bigint() - t) / 1e6);
}

const key = generateRandomString(64);
const secret = generateRandomString(32);
const stored = await symmetricEncrypt({ key, data: secret });
const code = await createOTP(secret).totp();
const totp = await cpuTimedAsync(3000, async () => {
  const s = await symmetricDecrypt({ key, data: stored });
  if (!(await createOTP(s, { period: 30, digits: 6 }).verify(code))) throw new Error("bench: peer TOTP micro-benchmark produced an invalid code");
});
const codes = Array.from({ length: 10 }, () => generateRandomString(10, "a-z", "0-9", "A-Z")).map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
const storedCodes = await symmetricEncrypt({ key, data: JSON.stringify(codes) });
const backup = await cpuTimedAsync(3000, async () => {
  const list = JSON.parse(await symmetricDecrypt({ key, data: storedCodes }));
  if (!list.includes(codes[3])) throw new Error("bench: backup code not found");
  await symmetricEncrypt({ key, data: JSON.stringify(list.filter((c) => c !== codes[3])) });
});
const token = generateRandomString(32);
const session = await cpuTimedAsync(10_000, () => makeSignature(token, key));

console.log(JSON.stringify({
  password: { algorithm: "scrypt N=16384 r=16 p=1 (node:crypto)", ms: median(hashRuns) },
  totp: { what: "symmetricDecrypt (XChaCha20-Poly1305) + createOTP().verify, ±1 step", ...totp },
  recovery: { what: "decrypt code list + check + re-encrypt remainder", ...backup },
  session: { what: "HMAC-SHA-256 of the cookie (WebCrypto)", ...session },
}));
