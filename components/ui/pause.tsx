"use client";

import { useEffect, useState } from "react";
import { PAUSE_MESSAGES } from "@/app/(auth)/retry-messages";

export interface Pause {
  /** Seconds left; 0 when not paused (and always on the server and without JavaScript). */
  remaining: number;
  /** A pause ran out while this page was open. */
  over: boolean;
}

/**
 * Counts a throttling pause down in the browser. It starts only after hydration, so the server's
 * HTML (and a browser without JavaScript) keeps its button enabled and says the wait in words: the
 * server refuses an early attempt anyway. `since` restarts the count (a new form state).
 */
export function usePause(seconds: number | undefined, since?: unknown): Pause {
  const [pause, setPause] = useState<Pause>({ remaining: 0, over: false });
  useEffect(() => {
    if (!seconds || seconds <= 0) return;
    const deadline = Date.now() + seconds * 1000;
    const tick = () => {
      const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      setPause({ remaining, over: remaining === 0 });
      if (remaining === 0) clearInterval(timer);
    };
    const timer = setInterval(tick, 1000);
    tick();
    return () => clearInterval(timer);
  }, [seconds, since]);
  return pause;
}

/**
 * The live countdown beside a paused button. A timer is not announced every second (role="timer"
 * is not live); the form's message already says the wait, and the end is announced once.
 */
export function PauseCountdown({ pause }: { pause: Pause }) {
  return (
    <>
      {pause.remaining > 0 ? (
        <p role="timer" className="text-sm font-medium text-slate-700">{PAUSE_MESSAGES.countdown(pause.remaining)}</p>
      ) : null}
      <p role="status" className="sr-only">{pause.over ? PAUSE_MESSAGES.over : ""}</p>
    </>
  );
}
