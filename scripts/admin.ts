// Operator CLI: `npm run admin -- <command>`. Runs the app's own modules (db/queries, lib/) with
// tsx under the react-server condition, so `import "server-only"` resolves to its empty module; it
// reads the same environment as the app (DATABASE_PATH, SMTP_URL, OUTBOX_DIR, APP_ORIGIN …): run
// it with the app's configuration. Prints no secret: factors are listed by name and date only.
import { closeDb } from "@/db/client";
import { getDbConfig } from "@/db/config";
import { copySqliteToPostgres } from "@/db/copy-to-postgres";
import {
  deleteUserAccountByOperator,
  describeAccount,
  findUser,
  forcePasswordReset,
  listAccountsWithoutSecondFactor,
  resetSecondFactors,
  revokeAllSessions,
  unlockSignIn,
} from "@/lib/admin/operator";
import { runHousekeepingOnce } from "@/lib/housekeeping";
import { deliverDueMails, settleMailDelivery } from "@/lib/mail/queue";

const USAGE = `Usage: npm run admin -- <command>

  user show <email> [--json]          the account's second factors, sessions, mail queue and recovery
  user reset-second-factors <email>   remove TOTP, security keys and passkeys, recovery codes
                                      (the user can then sign in with the password alone)
  user revoke-sessions <email>        sign the user out everywhere
  user force-password-reset <email>   sign the user out everywhere, make the current password stop
                                      working, and mail a reset link (second factor still asked)
  users without-2fa [--json]          accounts with no authenticator app, security key or passkey
                                      (with their REQUIRE_SECOND_FACTOR deadline while it is on)
  user unlock <email>                 lift the lock after 100 wrong passwords or second steps in a
                                      row (check first that the owner is asking)
  user delete <email>                 delete the account and everything of it (factors, codes,
                                      sessions, reset links, mails, rate-limit counters, security
                                      log); mails the owner a last notice. Cannot be undone
  mail retry                          try every queued notification now
  housekeeping                        prune expired sessions, spent challenges, lapsed rate-limit
                                      counters, old mails and security events past retention
  db copy-to-postgres                 copy every row of the SQLite file (DATABASE_PATH) into the
                                      empty PostgreSQL database named by TARGET_DATABASE_URL
                                      (stop the app first; docs/deployment.md)

Each change to an account is written to its security log (as an operator action, no IP) and
mailed to its owner; a deleted account's log goes with it, so \`user delete\` prints what it removed.
Exit status: 0 done, 1 failed (e.g. no such user), 2 usage error.`;

class UsageError extends Error {}

async function requireUser(email: string | undefined) {
  if (!email) throw new UsageError("missing <email>");
  const user = await findUser(email);
  if (!user) {
    console.error(`No account with the email ${JSON.stringify(email.trim().toLowerCase())}.`);
    process.exitCode = 1;
    return undefined;
  }
  return user;
}

async function userShow(email: string | undefined, json: boolean) {
  const user = await requireUser(email);
  if (!user) return;
  const account = await describeAccount(user);
  if (json) {
    console.log(JSON.stringify(account, null, 2));
    return;
  }
  const { factors } = account;
  const lines = [
    `${account.user.email} (id ${account.user.id}, ${account.user.email_verified ? "verified" : "not verified"}), created ${account.user.created_at}`,
    `Available AAL: ${account.available_aal}`,
    "",
    "Second factors:",
    `  Authenticator apps: ${factors.authenticator_apps.length === 0 ? "none" : ""}`,
    ...factors.authenticator_apps.map((a) => `    - ${JSON.stringify(a.name)}, added ${a.created_at}, last used ${a.last_used_at ?? "never"}`),
    `  Security keys: ${factors.security_keys.length === 0 ? "none" : ""}`,
    ...factors.security_keys.map((k) => `    - ${JSON.stringify(k.name)}${k.passkey ? " (passkey)" : ""}, added ${k.created_at}, last used ${k.last_used_at ?? "never"}`),
    `  Recovery codes: ${factors.recovery_codes ? `${factors.recovery_codes.remaining} of ${factors.recovery_codes.total} left (set of ${factors.recovery_codes.created_at})` : "none"}`,
    "",
    `Sessions: ${account.sessions.length === 0 ? "none" : ""}`,
    ...account.sessions.map((s) => `  - ${s.id}: ${s.device}, IP ${s.ip ?? "unknown"}, ${s.aal} (${s.methods.join(" + ")}), last seen ${s.last_seen_at}, expires ${s.expires_at}`),
    "",
    `Notifications: ${account.mails.sent} sent, ${account.mails.pending} queued, ${account.mails.failed} given up`,
    `Account recovery: ${
      !account.account_recovery
        ? "none"
        : account.account_recovery.status === "waiting"
          ? `waiting since ${account.account_recovery.started_at}, can be finished from ${account.account_recovery.finishable_at} (cancel: the user signs in with a second step)`
          : `link mailed ${account.account_recovery.requested_at}, not opened (lapses ${account.account_recovery.expires_at})`
    }`,
  ];
  console.log(lines.join("\n"));
}

async function usersWithout2fa(json: boolean) {
  const accounts = await listAccountsWithoutSecondFactor();
  if (json) {
    console.log(JSON.stringify(accounts, null, 2));
    return;
  }
  if (accounts.length === 0) {
    console.log("Every account has a second factor.");
    return;
  }
  console.log(`${accounts.length} account${accounts.length === 1 ? "" : "s"} without a second factor:`);
  for (const a of accounts) {
    const deadline = a.deadline ? `, deadline ${a.deadline}${a.overdue ? " (passed: enrolment only)" : ""}` : "";
    console.log(`  ${a.email} (created ${a.created_at}${deadline})`);
  }
}

async function main(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const [group, command, email, ...rest] = args.filter((a) => a !== "--json");
  if (group === undefined || group === "help" || group === "--help" || group === "-h") {
    console.log(USAGE);
    return;
  }
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
  if (group === "user" && command === "show") return userShow(email, json);
  if (group === "users" && command === "without-2fa" && email === undefined) return usersWithout2fa(json);
  if (group === "user" && command === "reset-second-factors") {
    const user = await requireUser(email);
    if (!user) return;
    const { removed } = await resetSecondFactors(user);
    console.log(`Second factors of ${user.email} reset (${removed.length === 0 ? "none were set up" : `removed: ${removed.join(", ")}`}). The user was notified.`);
    return;
  }
  if (group === "user" && command === "revoke-sessions") {
    const user = await requireUser(email);
    if (!user) return;
    const { count } = await revokeAllSessions(user);
    console.log(`Signed ${user.email} out of ${count} session${count === 1 ? "" : "s"}. The user was notified.`);
    return;
  }
  if (group === "user" && command === "force-password-reset") {
    const user = await requireUser(email);
    if (!user) return;
    const { sessions } = await forcePasswordReset(user);
    console.log(`Password of ${user.email} reset: it no longer works, ${sessions} session${sessions === 1 ? "" : "s"} ended, a reset link was mailed. The user was notified.`);
    return;
  }
  if (group === "user" && command === "unlock") {
    const user = await requireUser(email);
    if (!user) return;
    await unlockSignIn(user);
    console.log(`Sign-in of ${user.email} unlocked: the counts of wrong passwords and second steps start over. The user was notified.`);
    return;
  }
  if (group === "user" && command === "delete") {
    const user = await requireUser(email);
    if (!user) return;
    const removed = await deleteUserAccountByOperator(user);
    const lines = [
      `Account ${user.email} (id ${user.id}) deleted. Removed:`,
      `  user: 1`,
      ...Object.entries(removed).map(([what, n]) => `  ${what}: ${n}`),
      "A last mail saying an administrator deleted the account was queued to the address.",
    ];
    console.log(lines.join("\n"));
    return;
  }
  if (group === "housekeeping" && command === undefined) {
    const report = await runHousekeepingOnce();
    if (!report) {
      console.log("Housekeeping is running on another server right now; nothing done.");
      return;
    }
    console.log(`Housekeeping: removed ${Object.entries(report).map(([what, n]) => `${n} ${what}`).join(", ")}.`);
    return;
  }
  if (group === "db" && command === "copy-to-postgres" && email === undefined) {
    // From the environment, not the command line: a password in argv shows in `ps` and shell history.
    const target = process.env.TARGET_DATABASE_URL;
    if (!target || !/^postgres(ql)?:\/\//.test(target)) throw new UsageError("set TARGET_DATABASE_URL to the postgres://… database to copy into");
    const report = await copySqliteToPostgres(getDbConfig().DATABASE_PATH, target, (line) => console.log(`  ${line}`));
    const total = Object.values(report).reduce((sum, n) => sum + n, 0);
    console.log(`Copied ${total} rows into PostgreSQL. Start the app with DATABASE_URL set to that database.`);
    return;
  }
  if (group === "mail" && command === "retry" && email === undefined) {
    // "Now" far enough ahead that every queued mail is due, whatever its back-off.
    const { sent, failed } = await deliverDueMails(new Date(Date.now() + 365 * 24 * 3600 * 1000));
    console.log(`Queued notifications: ${sent} sent, ${failed} failed (still queued).`);
    if (failed > 0) process.exitCode = 1;
    return;
  }
  throw new UsageError(`unknown command: ${[group, command].filter(Boolean).join(" ")}`);
}

async function run(): Promise<void> {
  try {
    await main(process.argv.slice(2));
    // Notifications started by the commands above are delivered (or queued for retry) before exit.
    await settleMailDelivery();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`admin: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(`admin: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  } finally {
    // A PostgreSQL pool would keep the process alive; SQLite's file is closed cleanly too.
    await closeDb();
  }
}

void run();
