import type { SecondFactorMethodId } from "@/lib/mfa/types";

/**
 * Which method the second step offers first, and which it offers as other ways. One primary action
 * at a time (GitHub, Google): the method the account completed last, so a habit is met, else its
 * first in `enrolled`'s order (the registry's: the phishing-resistant key first). Recovery codes are
 * primary only when asked for or when nothing else is set up: they are the fallback, and a code
 * spent by habit is one fewer for the day a device is lost.
 */
export interface SecondFactorStepChoice {
  primary: SecondFactorMethodId;
  /** The other enrolled methods, in the registry's order (recovery codes last). */
  alternatives: SecondFactorMethodId[];
}

export function chooseSecondFactorStep(
  /** Enrolled methods, in the registry's order (lib/mfa/index.ts SECOND_FACTOR_METHODS). */
  enrolled: readonly SecondFactorMethodId[],
  { requested, lastUsed }: { requested?: unknown; lastUsed?: SecondFactorMethodId | null },
): SecondFactorStepChoice | null {
  if (enrolled.length === 0) return null;
  const pick = (id: unknown) => enrolled.find((method) => method === id);
  const everyday = enrolled.filter((method) => method !== "lookup_secret");
  const primary =
    pick(requested) ?? (lastUsed !== "lookup_secret" ? pick(lastUsed) : undefined) ?? everyday[0] ?? enrolled[0]!;
  return { primary, alternatives: enrolled.filter((method) => method !== primary) };
}
