import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INQUIRY_LIMITS, Inquiry, REDACTION_MARKERS, fitFreeText, freeText, luhnCheckDigit, luhnValid, redactSensitive } from '../../domain';
import { FUZZ_RUNS, FUZZ_SEED } from '../support/hostile';

/**
 * The redaction rule (domain/redaction.ts, issue 12): card numbers and SSNs in text from outside
 * never reach a desk. Properties with a fixed seed, so a failure replays; then the examples.
 */
const runs = { numRuns: FUZZ_RUNS * 2, seed: FUZZ_SEED };
const digitsOnly = (text: string) => text.replace(/\D/g, '');

const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
/** a Luhn-valid number of 13 to 19 digits */
const cardNumber = digits(12, 18).map((partial) => partial + luhnCheckDigit(partial));
/** the same digits failing the Luhn check */
const notCardNumber = (min: number, max: number) =>
  fc.tuple(digits(min - 1, max - 1), fc.integer({ min: 1, max: 9 })).map(([partial, off]) => partial + String((Number(luhnCheckDigit(partial)) + off) % 10));
/** the digits as a person may type them: any grouping, each gap nothing, a space or a dash */
const spelled = (number: string) => fc.array(fc.constantFrom('', ' ', '-'), { minLength: number.length - 1, maxLength: number.length - 1 }).map((gaps) => [...number].map((d, i) => (i ? gaps[i - 1] + d : d)).join(''));
/** text around a number, and what stands between: never a digit touching it */
const around = fc.record({
  before: fc.string({ maxLength: 40 }),
  after: fc.string({ maxLength: 40 }),
  open: fc.constantFrom(' ', '\n', ': ', ' #', '(', ' card ', '\t'),
  close: fc.constantFrom(' ', '\n', '.', ')', ' exp 12/29', ', thanks'),
});

describe('card numbers in text', () => {
  it('removes any Luhn-valid number of 13 to 19 digits, however it is grouped and whatever text stands around it', () => {
    fc.assert(
      fc.property(cardNumber.chain((pan) => fc.tuple(fc.constant(pan), spelled(pan), around)), ([pan, typed, { before, after, open, close }]) => {
        const { text, cards } = redactSensitive(`${before}${open}${typed}${close}${after}`);
        expect(cards).toBeGreaterThanOrEqual(1);
        expect(text).toContain(REDACTION_MARKERS.card);
        expect(text).not.toContain(typed);
        expect(digitsOnly(text)).not.toContain(pan);
      }),
      runs,
    );
  });

  it('finds a card beside other numbers in the same run: an order number before it, the expiry or security code after it', () => {
    fc.assert(
      fc.property(cardNumber, digits(1, 8), digits(1, 4), fc.constantFrom(' ', '-'), (pan, head, tail, gap) => {
        const grouped = pan.match(/.{1,4}/g)!.join(gap);
        const { text } = redactSensitive(`ref ${head}${gap}${grouped}${gap}${tail} ok`);
        expect(digitsOnly(text)).not.toContain(pan);
      }),
      runs,
    );
  });

  it('keeps a run of 13 to 19 digits that fails the Luhn check, written in one piece (an order or account number)', () => {
    fc.assert(
      fc.property(notCardNumber(13, 19), around, (number, { open, close }) => {
        const input = `Order${open}${number}${close}`;
        expect(redactSensitive(input)).toEqual({ text: input, cards: 0, ssns: 0 });
      }),
      runs,
    );
  });

  it('keeps 13 to 16 digits in groups of four that fail the Luhn check', () => {
    fc.assert(
      fc.property(notCardNumber(13, 16), fc.constantFrom(' ', '-'), (number, gap) => {
        const input = `ticket ${number.match(/.{1,4}/g)!.join(gap)} open`;
        expect(redactSensitive(input).text).toBe(input);
      }),
      runs,
    );
  });

  it('keeps every phone number, however it is written (fewer than 13 digits is never a card)', () => {
    const nanp = fc.tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }));
    fc.assert(
      fc.property(nanp, fc.integer({ min: 0, max: 4 }), ([area, exchange, n], style) => {
        const line = String(n).padStart(4, '0');
        const phone = [`+1 ${area} ${exchange} ${line}`, `(${area}) ${exchange}-${line}`, `${area}-${exchange}-${line}`, `${area}.${exchange}.${line}`, `+1${area}${exchange}${line}`][style]!;
        const input = `Please call me at ${phone} after 5pm.`;
        expect(redactSensitive(input).text).toBe(input);
      }),
      runs,
    );
  });

  it('examples', () => {
    expect(redactSensitive('my card is 4111 1111 1111 1111, exp 12/29').text).toBe('my card is [card number removed], exp 12/29');
    expect(redactSensitive('4111-1111-1111-1111').text).toBe(REDACTION_MARKERS.card);
    expect(redactSensitive('Amex 3782 822463 10005 please').text).toBe('Amex [card number removed] please');
    expect(redactSensitive('card 4111111111111111 123').text).toBe('card [card number removed] 123');
    expect(redactSensitive('call +1 212 555 0142 about order 2024-000123').text).toBe('call +1 212 555 0142 about order 2024-000123');
    expect(redactSensitive('Order #A-20240611-0042, account 1234567890123').cards).toBe(0);
    expect(redactSensitive('4111 1111 1111 1112').text).toBe('4111 1111 1111 1112');
    // two spaces, or a dot, is not how a card number's groups are joined: each part is then too short to be one
    expect(redactSensitive('4111  1111  1111  1111').cards).toBe(0);
  });
});

describe('SSNs in text', () => {
  it('removes any nine digits written 3-2-4 with dashes or spaces', () => {
    fc.assert(
      fc.property(digits(9, 9), fc.constantFrom(' ', '-'), fc.constantFrom(' ', '-'), around, (ssn, a, b, { before, after, open, close }) => {
        const typed = `${ssn.slice(0, 3)}${a}${ssn.slice(3, 5)}${b}${ssn.slice(5)}`;
        const { text, ssns } = redactSensitive(`${before}${open}${typed}${close}${after}`);
        expect(ssns).toBeGreaterThanOrEqual(1);
        expect(text).not.toContain(typed);
        expect(digitsOnly(text)).not.toContain(ssn);
      }),
      runs,
    );
  });

  it('removes nine digits in a row after the words SSN or social security', () => {
    const words = fc.constantFrom('SSN', 'ssn:', 'SSN#', 'my SSN is', 'S.S.N.', 'Social Security Number:', 'social security no.', 'social-security #');
    fc.assert(
      fc.property(words, digits(9, 9), fc.constantFrom('', ' ', '  '), (said, ssn, gap) => {
        const { text } = redactSensitive(`Hello, ${said}${gap}${ssn} thanks`);
        expect(text).toContain(REDACTION_MARKERS.ssn);
        expect(digitsOnly(text)).not.toContain(ssn);
      }),
      runs,
    );
  });

  it('examples', () => {
    expect(redactSensitive('SSN 078-05-1120').text).toBe('SSN [SSN removed]');
    expect(redactSensitive('it is 078 05 1120.').text).toBe('it is [SSN removed].');
    expect(redactSensitive('my social security number is 078051120').text).toBe('my social security number is [SSN removed]');
    // nine digits with nothing saying what they are: an account or a tracking number, kept
    expect(redactSensitive('account 078051120').text).toBe('account 078051120');
    expect(redactSensitive('ZIP 02110-1234, on 2026-06-11').text).toBe('ZIP 02110-1234, on 2026-06-11');
    expect(redactSensitive('card 4111 1111 1111 1111 and SSN 078-05-1120')).toEqual({ text: 'card [card number removed] and SSN [SSN removed]', cards: 1, ssns: 1 });
  });
});

describe('text from outside fitted to the text rule', () => {
  const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }), fc.constantFrom('\uD800x', '\u202Eevil\u202C', 'a\r\nb\rc\u2028d', '\u0000\u001B[2J', '\u200B\u200B', 'A\u0301'));

  it('makes any text valid as a multi-line body and as a single-line subject', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        expect(freeText({ max: 1_000, multiLine: true }).safeParse(fitFreeText(raw, { multiLine: true })).success).toBe(true);
        expect(freeText({ max: 1_000 }).safeParse(fitFreeText(raw)).success).toBe(true);
        expect(freeText({ max: 1_000 }).safeParse(redactSensitive(fitFreeText(raw)).text).success).toBe(true);
      }),
      runs,
    );
  });

  it('keeps paragraphs and tabs in a body, and a subject on one line', () => {
    expect(fitFreeText('Hello\r\n\r\n\tthere\u0007', { multiLine: true })).toBe('Hello\n\n\tthere');
    expect(fitFreeText('Re:\r\n my\tbill\u202E')).toBe('Re: my bill');
    expect(Inquiry.shape.body.safeParse('x'.repeat(INQUIRY_LIMITS.body + 1)).success).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
  });
});
