import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonDepth, MAX_JSON_DEPTH, sameValue, ValidationError } from '../../domain';

const nested = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('canonical JSON of untrusted values', () => {
  it('keeps its spelling: the audit chain hashes it', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true, u: undefined })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
  });

  it('measures depth without recursion, however deep', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({ a: [] })).toBe(2);
    expect(jsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
    expect(jsonDepth(nested(200_000))).toBe(200_000);
  });

  it(`refuses a value nested deeper than ${MAX_JSON_DEPTH} with a validation error naming json.depth, not a stack overflow`, () => {
    expect(canonicalJson(nested(MAX_JSON_DEPTH))).toContain('"x"');
    for (const depth of [MAX_JSON_DEPTH + 1, 3_000, 200_000]) {
      let caught: unknown;
      try {
        sameValue(nested(depth), 'x');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).issues).toEqual([expect.objectContaining({ rule: 'json.depth' })]);
    }
  });
});
