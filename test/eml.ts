// A small reader for the .eml files nodemailer writes (tests only): headers, and the text and HTML
// parts of a multipart/alternative message, with quoted-printable and base64 decoded.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface ParsedMail {
  file: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, "\n");
  const end = normalised.indexOf("\n\n");
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? "" : normalised.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? "7bit").toLowerCase()) {
    case "quoted-printable": {
      const joined = body.replace(/=\n/g, "");
      const bytes: number[] = [];
      for (let i = 0; i < joined.length; i++) {
        const hex = joined.slice(i + 1, i + 3);
        if (joined[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else {
          bytes.push(...Buffer.from(joined[i]!, "utf8"));
        }
      }
      return Buffer.from(bytes).toString("utf8");
    }
    case "base64":
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    default:
      return body;
  }
}

export function parseEml(raw: string, file = ""): ParsedMail {
  const { headers, body } = splitHeaders(raw);
  const boundary = headers["content-type"]?.match(/boundary="?([^";]+)"?/)?.[1];
  let text = "";
  let html = "";
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw.replace(/\r\n/g, "\n")];
  for (const part of parts) {
    const parsed = splitHeaders(part.replace(/^\n/, ""));
    const decoded = decodeBody(parsed.body.replace(/\n$/, ""), parsed.headers["content-transfer-encoding"]);
    if (parsed.headers["content-type"]?.startsWith("text/html")) html = decoded;
    else if (parsed.headers["content-type"]?.startsWith("text/plain")) text = decoded;
  }
  return { file, headers, text, html };
}

/** Every mail in an outbox folder, oldest first (file names start with the time). */
export function readOutbox(dir: string): ParsedMail[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".eml")).sort();
  } catch {
    return [];
  }
  return files.map((f) => parseEml(readFileSync(path.join(dir, f), "utf8"), f));
}
