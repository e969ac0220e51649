/** The reset link's own message (its second step uses app/(auth)/second-factor-messages.ts). */
export const RESET_MESSAGES = {
  expired: "This link has expired or was already used. Ask for a new one.",
} as const;
