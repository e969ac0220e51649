import { describe, expect, it } from "vitest";
import { BusyError, Semaphore } from "./concurrency";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("Semaphore", () => {
  it("never runs more than its limit at once", async () => {
    const semaphore = new Semaphore(2, 100);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        semaphore.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await tick();
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(semaphore.stats).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses work when the waiting line is full", async () => {
    const semaphore = new Semaphore(1, 1);
    const first = semaphore.run(tick);
    const second = semaphore.run(tick);
    await expect(semaphore.run(tick)).rejects.toBeInstanceOf(BusyError);
    await Promise.all([first, second]);
  });

  it("releases its slot when a task throws", async () => {
    const semaphore = new Semaphore(1, 10);
    await expect(semaphore.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(semaphore.run(async () => "ok")).resolves.toBe("ok");
  });
});
