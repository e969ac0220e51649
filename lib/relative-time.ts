/** "2 minutes ago", "yesterday": how long ago, for people reading their security log. */
const FORMAT = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

export function formatRelativeTime(value: Date, now: Date): string {
  const seconds = Math.round((value.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    // The largest unit that fits at least once: "3 hours ago", not "180 minutes ago".
    if (Math.abs(seconds) >= size) return FORMAT.format(Math.round(seconds / size), unit);
  }
  // 45-59 s: "1 minute ago" (or "in 1 minute" for a clock slightly ahead).
  return FORMAT.format(Math.sign(seconds), "minute");
}
