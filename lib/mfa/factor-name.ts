import { z } from "zod";
import { KEY_NAME_MAX_LENGTH } from "@/lib/mfa/webauthn-limits";

/**
 * Names users give their second factors (security keys, authenticator apps). Such a name is chosen
 * by whoever added the factor, possibly an intruder, and is shown back to the owner in the settings
 * list, the security log and the very mail that warns them about the new factor. So it must be one
 * line of visible text: no control characters (Cc: line breaks, tabs, NUL), no format characters
 * (Cf: bidi overrides such as U+202E that reorder what follows, zero-width characters that hide
 * text), no line or paragraph separators (Zl, Zp), and no lone surrogates (Cs). Checked after NFC
 * normalisation (one spelling per name) and before trimming, so no trailing line break slips by.
 */
export const FACTOR_NAME_CHARACTERS_MESSAGE =
  "Use letters, numbers, spaces and punctuation only (no line breaks or invisible characters).";

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
/**
 * The one format character that ordinary text needs: the zero-width joiner inside an emoji
 * sequence (👩‍💻 is 👩 U+200D 💻), between two pictographs (after an optional variation selector or
 * skin tone).
 */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})/gu;

const JOINER_OR_UNPRINTABLE = new RegExp(`(${EMOJI_JOINER.source})|${UNPRINTABLE.source}`, "gu");

/**
 * A stored name as one line of visible text, for display: names saved before this rule existed may
 * still hold such characters, so each is shown as U+FFFD instead.
 */
export function toPrintableLine(value: string): string {
  return value.replace(JOINER_OR_UNPRINTABLE, (_match, joiner?: string) => joiner ?? "\uFFFD");
}

export function isPrintableLine(value: string): boolean {
  return toPrintableLine(value) === value;
}

/** A factor name schema; `emptyMessage` says what to type, e.g. "Give the key a name, like …". */
export function factorNameSchema(emptyMessage: string, maxLength = KEY_NAME_MAX_LENGTH) {
  return z
    .string({ error: emptyMessage })
    .normalize("NFC")
    .refine(isPrintableLine, { message: FACTOR_NAME_CHARACTERS_MESSAGE, abort: true })
    .trim()
    .min(1, emptyMessage)
    .max(maxLength, `Use at most ${maxLength} characters.`);
}
