import type { BudgetStatus } from "@/lib/security/rate-limit-policy";
import { pauseWarning } from "../retry-messages";
import { SECOND_FACTOR_MESSAGES } from "../second-factor-messages";

/**
 * Where the account's second-step budget stands when the page loads, as its forms show it: the
 * words (paused, locked, or near a pause; nothing while there is room), in the form's own message
 * slot so that an answer to a submit replaces them rather than repeating them, and the seconds its
 * button waits for. Plain data: it crosses to the client forms as props.
 */
export interface StepBudget {
  notice?: string;
  pausedSeconds?: number;
}

export function stepBudgetOf(status: BudgetStatus): StepBudget {
  switch (status.state) {
    case "paused":
      return { notice: SECOND_FACTOR_MESSAGES.throttled(status.retryAfterSeconds), pausedSeconds: status.retryAfterSeconds };
    case "capped":
      return { notice: SECOND_FACTOR_MESSAGES.locked };
    default:
      return { notice: pauseWarning(status) };
  }
}
