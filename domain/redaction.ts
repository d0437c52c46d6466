import { luhnValid } from './validation/card';

/**
 * What never reaches a desk in free text that came from outside (an emailed inquiry today; a reply
 * or an export later): card numbers and SSNs (policy, "Security"; PCI DSS 3.4.1). The one home of
 * the rule, applied where such text enters the store, so no desk, cache, change log or export ever
 * holds them. Redaction replaces the number with a marker and keeps the words around it.
 *
 * - A **card number** is a run of 13 to 19 digits that passes the Luhn check, its digit groups
 *   joined by single spaces or dashes (`4111 1111 1111 1111`, `4111-1111-1111-1111`,
 *   `4111111111111111`, Amex's 4-6-5). Within a longer run of groups (a card followed by its
 *   expiry or security code, an order number before it) every stretch of whole groups holding 13
 *   to 19 digits is checked, so a card is found whatever digits stand beside it. A run of fewer
 *   than 13 digits (a phone number, a date, an order number) is never one.
 * - An **SSN** is 3-2-4 digits joined by dashes or spaces (`078-05-1120`, `078 05 1120`), or nine
 *   digits in a row after the words "SSN" or "social security" (`SSN: 078051120`).
 */
export const REDACTION_MARKERS = { card: '[card number removed]', ssn: '[SSN removed]' } as const;

export const CARD_DIGITS = { min: 13, max: 19 } as const;

export interface Redacted {
  text: string;
  /** how many card numbers were removed */
  cards: number;
  /** how many SSNs were removed */
  ssns: number;
}

/** Digit groups joined by single spaces or dashes, not touching another digit. */
const DIGIT_RUN = /(?<!\d)\d+(?:[ -]\d+)*(?!\d)/g;
const SSN_GROUPED = /(?<!\d)\d{3}[ -]\d{2}[ -]\d{4}(?!\d)/g;
/** the words (`SSN`, `SSNs`, `S.S.N.`, `social security`), up to 30 characters that are neither digits nor a line break, then nine digits */
const SSN_AFTER_WORDS = /(\b(?:ssns?|s\.s\.n\.?|social[\s-]+security)(?![a-z])[^\d\n]{0,30}?)\d{9}(?!\d)/gi;

/** Card numbers and SSNs in `text` replaced by their markers, with how many of each. */
export function redactSensitive(text: string): Redacted {
  let cards = 0;
  let ssns = 0;
  const withoutCards = text.replace(DIGIT_RUN, (run) => {
    const { replaced, found } = redactCardsInRun(run);
    cards += found;
    return replaced;
  });
  const withoutSsns = withoutCards
    .replace(SSN_GROUPED, () => {
      ssns++;
      return REDACTION_MARKERS.ssn;
    })
    .replace(SSN_AFTER_WORDS, (_match, words: string) => {
      ssns++;
      return `${words}${REDACTION_MARKERS.ssn}`;
    });
  return { text: withoutSsns, cards, ssns };
}

interface Group {
  start: number;
  end: number;
  digits: string;
}

/**
 * One run of digit groups: every stretch of whole groups of 13–19 digits that passes the Luhn
 * check is removed (overlapping stretches as one), what lies outside them is kept as it was.
 */
function redactCardsInRun(run: string): { replaced: string; found: number } {
  const groups: Group[] = [...run.matchAll(/\d+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, digits: m[0] }));
  if (groups.reduce((n, g) => n + g.digits.length, 0) < CARD_DIGITS.min) return { replaced: run, found: 0 };
  const spans: { start: number; end: number }[] = [];
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length; last++) {
      digits += groups[last]!.digits;
      if (digits.length > CARD_DIGITS.max) break;
      if (digits.length >= CARD_DIGITS.min && luhnValid(digits)) spans.push({ start: groups[first]!.start, end: groups[last]!.end });
    }
  }
  if (!spans.length) return { replaced: run, found: 0 };
  spans.sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  let replaced = '';
  let at = 0;
  for (const span of merged) {
    replaced += run.slice(at, span.start) + REDACTION_MARKERS.card;
    at = span.end;
  }
  return { replaced: replaced + run.slice(at), found: merged.length };
}
