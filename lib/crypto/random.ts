import "server-only";
import { randomBytes } from "node:crypto";

/** URL-safe random token; 32 bytes = 256 bits, well over the 128 bits a session token needs. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Identifier that is unguessable but carries no authority by itself. */
export function randomId(): string {
  return randomBytes(16).toString("base64url");
}
