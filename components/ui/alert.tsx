/** Form-level message in a live region; `tone` changes the look, the words carry the meaning. */
export function FormAlert({ message, tone = "error" }: { message?: string; tone?: "error" | "success" | "info" }) {
  const styles = {
    error: "border-red-200 bg-red-50 text-red-800",
    success: "border-emerald-200 bg-emerald-50 text-emerald-800",
    info: "border-sky-200 bg-sky-50 text-sky-900",
  }[tone];
  return (
    <div role={tone === "error" ? "alert" : "status"} aria-live={tone === "error" ? "assertive" : "polite"}>
      {/* Focusable from script only: a failed submit moves focus here (use-focus-on-error.ts). */}
      {message ? <p data-form-message tabIndex={-1} className={`mb-4 rounded-lg border px-3 py-2 text-sm ${styles}`}>{message}</p> : null}
    </div>
  );
}
