import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

// Pins the race fixed in the worker loop: a mail queued (and kicked) while the worker is reading
// the next retry time. The kick only sets the "go round again" flag, and the retry time it read
// predates the mail, so unless the loop looks at the flag again the mail waits for a timer that is
// never set. The hook below queues the mail at exactly that moment, after the real read.
const dir = mkdtempSync(path.join(tmpdir(), "twofold-mail-race-"));
process.env.DATABASE_PATH = path.join(dir, "test.db");
process.env.OUTBOX_DIR = path.join(dir, "outbox");
delete process.env.SMTP_URL;
delete process.env.DATABASE_URL;

const hook = vi.hoisted(() => ({ duringRead: undefined as undefined | (() => Promise<void>) }));

vi.mock("@/db/queries/mail-outbox", async (importActual) => {
  const actual = await importActual<typeof import("@/db/queries/mail-outbox")>();
  return {
    ...actual,
    nextPendingMailAt: async () => {
      const next = await actual.nextPendingMailAt();
      const during = hook.duringRead;
      hook.duringRead = undefined;
      if (during) await during();
      return next;
    },
  };
});

describe("the mail worker", () => {
  it("delivers a mail queued while it reads the next retry time, without waiting for a timer", async () => {
    const queue = await import("./queue");
    const { insertUser } = await import("@/db/queries/users");
    await insertUser({ id: "u1", email: "owner@example.test", passwordHash: "x", createdAt: new Date() });
    const mail = (subject: string) => ({ userId: "u1", kind: "test", to: "owner@example.test", subject, text: subject, html: `<p>${subject}</p>` });

    hook.duringRead = async () => {
      await queue.enqueueMail(mail("second"));
      queue.kickMailDelivery();
    };
    await queue.enqueueMail(mail("first"));
    queue.kickMailDelivery();
    await queue.settleMailDelivery();

    expect(hook.duringRead).toBeUndefined(); // the hook ran: the race really happened
    expect(readdirSync(process.env.OUTBOX_DIR!).filter((name) => name.endsWith(".eml"))).toHaveLength(2);
  });
});
