/**
 * A piece of a download's file name (the product name, an email address): lower case, anything
 * unsafe in a file name or a Content-Disposition header becomes "-", no leading dot. Pure: the
 * recovery-codes generator bundles it into the browser.
 */
export function fileNamePart(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9@._+-]+/g, "-").replace(/^[.-]+/, "");
}
