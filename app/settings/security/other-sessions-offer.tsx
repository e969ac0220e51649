/**
 * After a change to the second factors, while other sessions exist: the prompt to consider signing
 * them out (ASVS 5: "the user is given the option to terminate all other active sessions after
 * changing or removing any authentication factor"). It points to the Sessions section below, which
 * holds the one **Sign out other sessions** button (and its confirmation), instead of repeating it.
 * `others`: how many other sessions there are.
 */
export function OtherSessionsOffer({ others }: { others: number }) {
  if (others < 1) return null;
  return (
    <div role="group" aria-label="Other sessions" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p>
        Your account is also signed in {others === 1 ? "in 1 other session" : `in ${others} other sessions`}.
        If a device may be lost or in someone else&apos;s hands,{" "}
        <a href="#sessions-title" className="font-medium underline underline-offset-4">review your sessions</a> and sign them out.
      </p>
    </div>
  );
}
