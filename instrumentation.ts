/**
 * Runs once when the server starts. The configuration is checked first, so a wrong variable (an
 * accent colour too light to read, a logo that isn't there) stops the start with its one-line
 * message instead of failing every page later. The database is opened (and migrated) before the
 * first request. Then mails left queued by a previous run (mail server down, process stopped
 * mid-delivery) are retried now rather than at the next notification, and the housekeeping
 * schedule begins.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfigAtStart } = await import("@/lib/config");
  checkConfigAtStart();
  const { getDb, DatabaseConfigurationError } = await import("@/db/client");
  try {
    await getDb();
  } catch (error) {
    // A wrong password or database name won't fix itself: stop with the reason, in one line.
    if (error instanceof DatabaseConfigurationError) {
      console.error(`[db] ${error.message}`);
      process.exit(1);
    }
    // Unreachable for now (db/health.ts logged it): serve 503s and keep trying.
  }
  const { kickMailDelivery } = await import("@/lib/mail/queue");
  kickMailDelivery();
  // Prunes expired sessions, spent challenges, lapsed counters, old mails and log rows.
  const { startHousekeeping } = await import("@/lib/housekeeping");
  startHousekeeping();
}
