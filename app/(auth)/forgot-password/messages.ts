import { RESET_TOKEN_TTL_MINUTES } from "@/lib/auth/password-reset-policy";

/** One answer for every address, known or not. */
export const RESET_REQUESTED_MESSAGE = `If an account uses that address, we've sent a link to reset its password. It works for ${RESET_TOKEN_TTL_MINUTES} minutes.`;
