/**
 * A counting semaphore with a bounded waiting line. Password hashing runs on libuv's thread pool;
 * capping how many hashes run at once keeps a core (and the pool) free for everything else, so a
 * burst of sign-ins slows sign-ins, not session checks.
 */
export class BusyError extends Error {
  constructor() {
    super("Too many requests are waiting; try again in a moment.");
  }
}

export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new BusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter, so `running` never drops below the limit
      // while work is queued.
      if (next) next();
      else this.running--;
    }
  }

  get stats() {
    return { running: this.running, waiting: this.waiting.length };
  }
}
