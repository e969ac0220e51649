import type { AmrEntry } from "@/lib/auth/aal";
import type { SignInWays } from "@/lib/auth/sign-in-ways";

/**
 * The home page's words, from what is true of the account and of this session: nothing here may
 * claim a way of signing in the account doesn't have (a passkey-only account never reads that
 * signing in needs a password). Pure, so every kind of account is checked in home-text.test.ts.
 */
export interface HomeText {
  greeting: string;
  /** How this session signed in, e.g. "You signed in with a passkey." */
  thisSession: string | null;
  /** Whether two-step verification is on, and what signing in takes. */
  security: string[];
}

/** "a, b or c". */
function either(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function methodWords(entry: AmrEntry, provider: string | null): string {
  switch (entry.method) {
    case "password": return "your password";
    case "oidc": return provider ? `your ${provider} account` : "your identity provider";
    case "webauthn": return entry.multi_factor ? "a passkey" : "a security key";
    case "totp": return "a code from your authenticator app";
    case "lookup_secret": return "a recovery code";
  }
}

/** The sign-in that started this session: its first factor, and its second step if it took one. */
function describeThisSession(amr: readonly AmrEntry[], provider: string | null): string | null {
  const first = amr[0];
  if (!first) return null;
  if (first.multi_factor) return `You signed in with ${methodWords(first, provider)}.`;
  const second = amr.slice(1).find((entry) => entry.method === "totp" || entry.method === "webauthn" || entry.method === "lookup_secret");
  return `You signed in with ${methodWords(first, provider)}${second ? ` and ${methodWords(second, provider)}` : ""}.`;
}

/** An account without a second step: what alone signs it in, and why adding one helps. */
function withoutSecondStep(firstFactors: readonly string[], password: boolean): string[] {
  const add = "Add an authenticator app or a security key";
  if (firstFactors.length === 0) return [];
  if (firstFactors.length > 1) return [`${capitalised(either(firstFactors))} alone signs you in.`, `${add} so that neither is enough on its own.`];
  return [`${capitalised(firstFactors[0]!)} alone signs you in.`, `${add} so that ${password ? "a stolen password" : firstFactors[0]} isn't enough.`];
}

export function homeText(input: { firstSession: boolean; amr: readonly AmrEntry[]; ways: SignInWays }): HomeText {
  const { ways } = input;
  const firstFactors = [
    ...(ways.password ? ["your password"] : []),
    ...(ways.provider ? [`your ${ways.provider} account`] : []),
  ];
  const secondSteps = [
    ...(ways.authenticatorApps > 0 ? ["a code from your authenticator app"] : []),
    ...(ways.securityKeys > 0 ? ["a security key"] : []),
  ];
  const passkeyLine = ways.passkeys > 0 ? [`${ways.passkeys === 1 ? "Your passkey signs" : "Each of your passkeys signs"} you in on its own: it is both steps in one.`] : [];
  const security = secondSteps.length > 0
    ? [
        "Two-step verification is on.",
        ...(firstFactors.length > 0 ? [`Signing in with ${either(firstFactors)} also takes ${either(secondSteps)}.`] : []),
        ...passkeyLine,
      ]
    : ["Two-step verification is off.", ...withoutSecondStep(firstFactors, ways.password)];
  return {
    greeting: input.firstSession ? "Welcome" : "Welcome back",
    thisSession: describeThisSession(input.amr, ways.provider),
    security,
  };
}
