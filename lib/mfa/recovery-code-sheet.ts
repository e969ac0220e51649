/**
 * The saved copy of a recovery-code set: what Download writes, Copy puts on the clipboard and Print
 * puts on paper. Pure and free of server imports, so the client component builds it in render and
 * the download works as a plain link without JavaScript.
 */
import { fileNamePart } from "@/lib/file-name";

export const RECOVERY_CODES_USAGE_LINE =
  "Each code works once: when asked for your second step, choose \"Recovery code\" and enter any unused code.";

export interface RecoveryCodeSheet {
  appName: string;
  email: string;
  codes: readonly string[];
  /** ISO-8601 time the set was generated. */
  generatedAt: string;
}

/** `2026-11-23 15:40 UTC`: unambiguous everywhere, and the same on server and client. */
export function formatSheetDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function recoveryCodesSheetText({ appName, email, codes, generatedAt }: RecoveryCodeSheet): string {
  const width = String(codes.length).length;
  return [
    `${appName} recovery codes for ${email}`,
    `Generated ${formatSheetDate(generatedAt)}`,
    "",
    ...codes.map((code, i) => `${String(i + 1).padStart(width, " ")}. ${code}`),
    "",
    RECOVERY_CODES_USAGE_LINE,
    "",
  ].join("\n");
}

/** `twofold-recovery-codes-alice@example.com.txt` (lib/file-name.ts makes each part safe). */
export function recoveryCodesFileName(appName: string, email: string): string {
  return `${fileNamePart(appName)}-recovery-codes-${fileNamePart(email)}.txt`;
}

/** A data: URL so Download is a plain `<a download>` (no JS, no Blob); CSP doesn't govern downloads. */
export function recoveryCodesDownloadHref(sheet: RecoveryCodeSheet): string {
  return `data:text/plain;charset=utf-8,${encodeURIComponent(recoveryCodesSheetText(sheet))}`;
}
