import { statSync } from "node:fs";
import path from "node:path";

/**
 * What is wrong with an APP_LOGO value, or null. The logo is a same-origin path to a file under
 * public/ (Next.js serves that folder at the site root): nothing from another host (the CSP's
 * img-src is 'self' anyway, and a third party would see every sign-in page view), no way out of
 * public/, and a file that exists, so a typo fails at start instead of as a broken image on
 * every page.
 */
export function logoPathProblem(value: string, publicDir: string): string | null {
  if (!value.startsWith("/") || value.startsWith("//")) return "must be a path under public/ starting with a single /, like /brand/logo.svg";
  // Starting with one "/" already rules out a scheme; a ":" anywhere is refused too, so no form of URL gets through.
  if (value.includes(":")) return "must be a path on this site, not a URL";
  if (value.includes("\\") || value.split("/").includes("..")) return "must not contain .. or backslashes";
  if (/[?#]/.test(value)) return "must be a plain file path, without ? or #";
  const file = path.join(publicDir, value);
  // path.join normalises; a path that still escapes public/ is refused even if the checks above missed a form.
  if (!file.startsWith(path.join(publicDir, path.sep))) return "must stay inside public/";
  try {
    if (!statSync(file).isFile()) return `must be a file in public/ (${path.join("public", value)} is a folder)`;
  } catch {
    return `must be a file in public/ (${path.join("public", value)} doesn't exist)`;
  }
  return null;
}
