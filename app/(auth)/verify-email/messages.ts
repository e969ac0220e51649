import type { EmailLinkOutcome } from "@/lib/auth/email-link-cookie";

/** What the page says after a mailed email link was opened, by outcome (lib/auth/email-link-cookie.ts). */
export const EMAIL_LINK_MESSAGES: Record<EmailLinkOutcome, { title: string; text: string }> = {
  verified: { title: "Email verified", text: "Your email address is verified." },
  changed: { title: "Email address changed", text: "Your account's email address is changed. Sign in with the new address from now on." },
  expired: { title: "Link expired", text: "This link has expired or was already used." },
  taken: { title: "Email address not changed", text: "This address already belongs to another account, so your account keeps its previous address." },
};
