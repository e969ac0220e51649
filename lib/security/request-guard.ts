// No "server-only" here: proxy.ts imports this, and the proxy bundle isn't built with the
// react-server condition that package needs. Nothing in it is secret.

/**
 * Bodies of state-changing requests, checked in proxy.ts before Next.js decodes them for a Server
 * Action. Next.js answers a body it can't decode with a 500 (too large, not the multipart it
 * claims to be, not JSON, a Flight reply that refers to chunks that don't exist, a BigInt of 400
 * digits, nesting deep enough to overflow the stack), and an action can only validate what it is
 * given once decoding has worked. Here such requests get a 4xx instead, from rules that every body
 * our own forms and calls send passes.
 */

/** Same bound as `serverActions.bodySizeLimit` in next.config.js (64 KiB): none of our forms comes close. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/** Deeper than any argument our client code passes (a WebAuthn response is 3 levels). */
const MAX_REPLY_DEPTH = 32;

/**
 * The Flight reply values our clients send: escaped strings (`$$…`), `undefined`, FormData
 * (`$K…`, a form action's fields), Dates (`$D…`) and the special numbers. Everything else
 * (promises, maps, sets, iterators, server and temporary references, BigInts, typed arrays, blobs)
 * refers to other chunks or has its own limits, and no action of ours takes it.
 */
const PLAIN_REFERENCE = /^\$(?:\$|undefined$|K[0-9a-f]{1,8}$|D|NaN$|Infinity$|-Infinity$|-0$)/;

export interface Refusal {
  status: 400 | 411 | 413 | 415;
  error: string;
}

function usesOnlyPlainValues(value: unknown, depth: number): boolean {
  if (depth > MAX_REPLY_DEPTH) return false;
  if (typeof value === "string") return !value.startsWith("$") || PLAIN_REFERENCE.test(value);
  if (Array.isArray(value)) return value.every((item) => usesOnlyPlainValues(item, depth + 1));
  if (value !== null && typeof value === "object") return Object.values(value).every((item) => usesOnlyPlainValues(item, depth + 1));
  return true;
}

/** A Server Action's arguments as React encodes them: a JSON array of plain values (see above). */
export function isPlainActionReply(json: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return false;
  }
  return Array.isArray(value) && usesOnlyPlainValues(value, 0);
}

function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Null when the body may go on to Next.js, else why not. Call only for methods with a body
 * (not GET/HEAD/OPTIONS); it reads the body, which Next.js has cloned for the proxy.
 */
export async function checkRequestBody(request: Request): Promise<Refusal | null> {
  const length = request.headers.get("content-length");
  if (length === null) {
    // Browsers always send a length for forms and fetch() with a body; a chunked upload could
    // only be measured by reading it all first.
    if (request.headers.has("transfer-encoding")) return { status: 411, error: "A Content-Length is required." };
  } else if (!/^\d{1,10}$/.test(length)) {
    return { status: 400, error: "Invalid Content-Length." };
  } else if (Number(length) > MAX_REQUEST_BODY_BYTES) {
    return { status: 413, error: "Request body too large." };
  }

  const type = mediaType(request);
  const isAction = request.headers.has("next-action");
  const isForm = type === "multipart/form-data" || type === "application/x-www-form-urlencoded";

  if (isForm) {
    if (isAction && type !== "multipart/form-data") return { status: 415, error: "Unsupported Server Action body." };
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return { status: 400, error: "Malformed form data." };
    }
    if (isAction) {
      // A form action called with JavaScript: field "0" holds the arguments, the rest the fields.
      const root = form.get("0");
      if (typeof root !== "string" || !isPlainActionReply(root)) return { status: 400, error: "Malformed Server Action request." };
    } else {
      // Without JavaScript: `$ACTION_<n>:<m>` fields hold a form action's bound arguments.
      for (const [name, value] of form) {
        if (/^\$ACTION_\d+:[1-9]\d*$/.test(name) && (typeof value !== "string" || !isPlainActionReply(value))) {
          return { status: 400, error: "Malformed Server Action request." };
        }
      }
    }
    return null;
  }

  if (isAction) {
    if (type !== "" && type !== "text/plain") return { status: 415, error: "Unsupported Server Action body." };
    if (!isPlainActionReply(await request.text())) return { status: 400, error: "Malformed Server Action request." };
  }
  return null;
}
