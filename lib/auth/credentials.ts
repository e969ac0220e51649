import { z } from "zod";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";

/** Form schemas for the first factor, shared by sign-up, sign-in and re-authentication. */

/** RFC 5321 caps an address at 254 characters; trim and lower-case so one person is one account. */
export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

/**
 * Sign-in only checks presence and a generous bound (the hash cost must not be spent on megabytes);
 * the new-password rules live in password-policy.ts.
 */
export const passwordInputSchema = z
  .string({ error: "Enter your password." })
  .min(1, "Enter your password.")
  .max(PASSWORD_MAX_LENGTH * 4, "That password is too long.");

export const signInSchema = z.object({ email: emailSchema, password: passwordInputSchema });
