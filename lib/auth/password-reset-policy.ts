/** How long a mailed password reset link works (docs/security.md, "Password reset"). */
export const RESET_TOKEN_TTL_MINUTES = 30;
