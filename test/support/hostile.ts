import fc from 'fast-check';
import { expect } from 'vitest';
import type { FieldIssue } from '../../domain/errors';

/**
 * Hostile values for the property-based tests (issue 9): what a compromised renderer or a modified
 * client sends. One home for the console fuzz (signed out and signed in) and the push-body fuzz.
 */

/** CI's cases per property; CAREDESK_FUZZ_RUNS runs more, CAREDESK_FUZZ_SEED replays another seed */
export const FUZZ_RUNS = Number(process.env.CAREDESK_FUZZ_RUNS ?? 150);
export const FUZZ_SEED = Number(process.env.CAREDESK_FUZZ_SEED ?? 20261202);

export const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'customerId', 'changes', 'reason', 'query', '', '\u0000', 'a'.repeat(300));
export const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('\uD800', '\uDFFF', 'a\uD83Db', '\u202Eevil', '\u200B\u200B', '\u001B[2J', '\u0000', 'x'.repeat(100_000), '00000000-0000-4000-8000-000000000000'),
);
export const edgeNumber = fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, Number.MIN_VALUE, -1, 1e308, 2 ** 53);
/** values of every JSON-ish type, with hostile keys, strings and numbers at every level */
export const { value: hostileValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    edgeNumber,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileKey, fc.string()), tie('value'), { maxKeys: 6 }),
  ),
}));
/** nested far deeper than any legitimate input */
export const deep = fc.integer({ min: 500, max: 5_000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { customerId: v };
  return v;
});
/** A console refusal: one of the codes `expected`, and a validation error names each field and rule. */
export function expectNamedRefusal(error: { code: string; message: string; issues?: FieldIssue[] }, expected: ReadonlySet<string>, label: string): void {
  expect(expected, `${label}: ${error.code} ${error.message}`).toContain(error.code);
  if (error.code !== 'validation') return;
  expect(error.issues?.length).toBeGreaterThan(0);
  for (const issue of error.issues ?? []) {
    expect(typeof issue.field).toBe('string');
    expect(issue.rule).toMatch(/\S/);
  }
}

/** the fields a console edit names, and a few it must not */
export const editField = fc.constantFrom('firstName', 'lastName', 'email', 'phones', 'serviceAddress', 'mailingAddress', 'consents.sms', 'accountStatus', 'ssnLast4', 'serviceAddress.line1', 'id', '__proto__');

/**
 * An input shaped like a channel's own, with fields made hostile; `customerId` says which ids to
 * use besides random ones (a signed-in fuzz passes customers the session can reach).
 */
export function shapedInput(customerId: fc.Arbitrary<string> = fc.uuid()) {
  return fc.oneof(
    hostileValue,
    deep,
    fc.dictionary(hostileKey, hostileValue, { maxKeys: 8 }),
    fc.record(
      {
        customerId: fc.oneof(customerId, hostileValue),
        changes: fc.oneof(hostileValue, fc.dictionary(editField, fc.oneof(hostileString, hostileValue), { maxKeys: 3 })),
        reason: fc.oneof(hostileString, fc.constant('caller asked for a correction')),
        query: hostileValue,
        method: fc.oneof(fc.constantFrom('account_pin', 'ssn_last4'), hostileValue),
        answer: hostileValue,
      },
      { requiredKeys: [] },
    ),
  );
}
export const channelInput = shapedInput();

