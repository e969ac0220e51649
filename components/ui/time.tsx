/** A timestamp people can read, with the exact time in machine-readable form. Rendered on the server (UTC). */
const FORMAT = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export function Time({ value }: { value: Date }) {
  return <time dateTime={value.toISOString()}>{FORMAT.format(value)} UTC</time>;
}
