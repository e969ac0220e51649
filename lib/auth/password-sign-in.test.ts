import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";

// A wrong password's answer, on a real SQLite file: where the budget stands after it (the form's
// warning before a pause), and that it is the same for an email with no account.
process.env.DATABASE_PATH = path.join(mkdtempSync(path.join(tmpdir(), "twofold-password-sign-in-")), "test.db");
process.env.AUTH_SECRET = "password-sign-in-test-secret-".padEnd(48, "s");
// Refused password attempts are logged "after the response": here, at once.
vi.mock("next/server", async (original) => ({ ...(await original<typeof import("next/server")>()), after: (task: () => unknown) => void Promise.resolve().then(task) }));

const PASSWORD = "correct horse battery staple 42";
let signIn: typeof import("./password-sign-in");
let users: typeof import("@/db/queries/users");
let password: typeof import("./password");

beforeAll(async () => {
  signIn = await import("./password-sign-in");
  users = await import("@/db/queries/users");
  password = await import("./password");
});

let count = 0;
async function newUser(): Promise<string> {
  const email = `known-${++count}@example.test`;
  await users.insertUser({ id: `user-${count}`, email, passwordHash: await password.hashPassword(PASSWORD), createdAt: new Date() });
  return email;
}

/** Five wrong passwords in a row, each from its own address unless one is given. */
async function failFive(email: string, budget: "sign_in" | "reauth", ip?: (i: number) => string) {
  const answers = [];
  for (let i = 0; i < 5; i++) {
    answers.push(await signIn.checkPassword({ email, password: "wrong password here" }, { ip: ip ? ip(i) : `192.0.2.${++count}`, userAgent: "vitest" }, budget));
  }
  return answers;
}

describe("a wrong password says where the budget stands", () => {
  it("the same for a known and an unknown email, try by try", async () => {
    const known = await failFive(await newUser(), "sign_in");
    const unknown = await failFive("nobody-here@example.test", "sign_in");
    expect(unknown).toEqual(known);
    // 5 free tries: after the 1st, 4 are left; the 5th starts the 30-second pause.
    expect(known.map((a) => (a.ok === false && a.reason === "invalid" ? a.budget : undefined))).toEqual([
      { state: "open", triesBeforePause: 4, pauseSeconds: 30 },
      { state: "open", triesBeforePause: 3, pauseSeconds: 30 },
      { state: "open", triesBeforePause: 2, pauseSeconds: 30 },
      { state: "open", triesBeforePause: 1, pauseSeconds: 30 },
      { state: "paused", retryAfterSeconds: 30 },
    ]);
  });

  it("counts the address's failures too, across emails", async () => {
    // 30 free failures per address: 26 on other emails, then this one's first leaves 3.
    const ip = "198.51.100.7";
    for (let i = 0; i < 26; i++) await signIn.checkPassword({ email: `other-${i}@example.test`, password: "wrong password here" }, { ip, userAgent: "vitest" });
    const answer = await signIn.checkPassword({ email: "fresh@example.test", password: "wrong password here" }, { ip, userAgent: "vitest" });
    expect(answer).toEqual({ ok: false, reason: "invalid", budget: { state: "open", triesBeforePause: 3, pauseSeconds: 60 } });
  });

  it("re-authentication reads the account's run only, whatever the address", async () => {
    const email = await newUser();
    const answers = await failFive(email, "reauth", () => "203.0.113.9");
    expect(answers[3]).toEqual({ ok: false, reason: "invalid", budget: { state: "open", triesBeforePause: 1, pauseSeconds: 30 } });
    // A reauth spent nothing of the address's (lib/security/rate-limit.ts).
    const fromThere = await signIn.checkPassword({ email: "someone@example.test", password: "wrong password here" }, { ip: "203.0.113.9", userAgent: "vitest" });
    expect(fromThere).toMatchObject({ budget: { state: "open", triesBeforePause: 4 } });
  });
});
