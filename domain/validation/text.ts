import { z } from 'zod';
import { rule } from './rule';

/**
 * The one rule for free text: every name, address line, city, reason, subject, description and
 * note a person types goes through `freeText`, so a record shows what it holds and holds one spelling.
 *
 * - `text.encoding`: no unpaired UTF-16 surrogate (not text at all; it breaks storage and JSON round trips).
 * - `text.control`: no control character (C0, DEL, C1, and the Unicode line/paragraph separators).
 *   An ESC or BEL in an address line rewrites the terminal of whoever prints it (logs, CLI, exports);
 *   a newline in a name forges a line of its own in a CSV export or an audit detail. Multi-line
 *   fields (an email inquiry's body) keep line feeds and tabs, and nothing else.
 * - `text.bidi`: no bidirectional control (LRM, RLM, ALM, the embeddings/overrides U+202A–U+202E, the
 *   isolates U+2066–U+2069). They make a name or an address read differently from what it holds
 *   ("Trojan Source", CVE-2021-42574); right-to-left letters themselves are welcome.
 * - `text.invisible`: not made only of invisible characters (whitespace, zero-width and format
 *   characters, other default-ignorables such as the Hangul fillers, the braille blank). A joiner
 *   inside a real name stays: some scripts need it.
 * - The value is trimmed and stored in Unicode NFC, so a name typed with a combining accent and one
 *   typed precomposed are one name to search, compare and merge; lengths count the normalised text.
 */

export const TEXT_RULES = {
  encoding: 'text.encoding',
  control: 'text.control',
  bidi: 'text.bidi',
  invisible: 'text.invisible',
} as const;

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_SINGLE_LINE = /[\p{Cc}\u2028\u2029]/u;
const CONTROL_MULTI_LINE = /[^\P{Cc}\n\t]/u;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const ONLY_INVISIBLE = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]+$/u;

/** NFC; in a multi-line field every line break is spelled `\n` (CRLF from a mail client, LS/PS from a paste). */
export function normaliseText(value: string, multiLine = false): string {
  const nfc = value.normalize('NFC');
  return (multiLine ? nfc.replace(/\r\n?|[\u2028\u2029]/g, '\n') : nfc).trim();
}

export interface TextOptions {
  /** at most this many characters once normalised (UTF-16 units, as an input's `maxlength` counts) */
  max: number;
  /** at least this many: 1 makes the field required (rule `required`), more adds rule `min_length` */
  min?: number;
  /** a field written in paragraphs (an email body): keeps line feeds and tabs */
  multiLine?: boolean;
}

/** A free-text field under the text rule: trimmed, NFC, no controls, no bidi controls, not only invisible. */
export function freeText({ max, min = 0, multiLine = false }: TextOptions) {
  let schema = z
    .string()
    .overwrite((value) => normaliseText(value, multiLine))
    .refine((value) => !LONE_SURROGATE.test(value), rule(TEXT_RULES.encoding, 'contains a broken character (an unpaired surrogate)'))
    .refine(
      (value) => !(multiLine ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE).test(value),
      rule(TEXT_RULES.control, multiLine ? 'no control characters (line breaks and tabs are fine)' : 'no control characters, tabs or line breaks'),
    )
    .refine((value) => !BIDI_CONTROL.test(value), rule(TEXT_RULES.bidi, 'no bidirectional control characters (they make text read differently from what it holds)'))
    .refine((value) => !ONLY_INVISIBLE.test(value), rule(TEXT_RULES.invisible, 'must contain visible characters, not only spaces or invisible ones'));
  if (min >= 1) schema = schema.refine((value) => value.length > 0, rule('required', 'required'));
  if (min > 1) schema = schema.refine((value) => value.length === 0 || value.length >= min, rule('min_length', `at least ${min} characters`));
  return schema.refine((value) => value.length <= max, rule('max_length', `at most ${max} characters`));
}

/**
 * Text that came from outside and cannot be sent back to be corrected (an email's subject and
 * body), made into what `freeText` accepts instead of refused: broken characters become U+FFFD,
 * control characters and bidirectional controls are removed (in a single-line field a folded line
 * is unfolded, other line breaks and tabs become spaces), normalised as `freeText` normalises, and
 * text made only of invisible characters becomes empty. Its length is the caller's to fit.
 */
export function fitFreeText(value: string, { multiLine = false }: { multiLine?: boolean } = {}): string {
  const lines = multiLine ? value.replace(/\r\n?|[\u2028\u2029]/g, '\n') : value.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n\t\u2028\u2029]/g, ' ');
  const clean = lines
    .replace(/\p{Cs}/gu, '\uFFFD')
    .replace(new RegExp(multiLine ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE, 'gu'), '')
    .replace(new RegExp(BIDI_CONTROL, 'gu'), '');
  const text = normaliseText(clean, multiLine);
  return ONLY_INVISIBLE.test(text) ? '' : text;
}

/** A required single-line field of at most `max` characters. */
export function requiredText(max: number) {
  return freeText({ max, min: 1 });
}

/** A single-line field that may be left empty (an address's second line, a record's optional note). */
export function optionalText(max: number) {
  return freeText({ max });
}

export const MAX_REASON_LENGTH = 500;

/**
 * Why a record is being changed (or money moved): required, so every change can be explained later.
 * One line: it is typed in one input and shown in lists, audit timelines and exports.
 */
export const ChangeReason = freeText({ max: MAX_REASON_LENGTH }).refine(
  (value) => value.length >= 3,
  rule('reason.required', 'say why this is being changed (at least 3 characters)'),
);
