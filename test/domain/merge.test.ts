import { describe, expect, it } from 'vitest';
import { mergeFields, applyChanges, getPath, setPath, canonicalJson, validateChanges, ValidationError } from '../../domain';

describe('three-way field merge', () => {
  const server = { email: 'a@example.com', phones: [{ kind: 'mobile', number: '+12125550143' }], consents: { sms: true, marketingEmail: false } };
  const theirs = (path: string) => getPath(server, path);

  it('writes a field the server still holds at the base value', () => {
    const out = mergeFields({ email: 'a@example.com' }, { email: 'b@example.com' }, theirs);
    expect(out).toEqual({ apply: { email: 'b@example.com' }, unchanged: [], conflicts: [] });
  });

  it('does nothing for a field already holding the new value', () => {
    const out = mergeFields({ email: 'old@example.com' }, { email: 'a@example.com' }, theirs);
    expect(out).toEqual({ apply: {}, unchanged: ['email'], conflicts: [] });
  });

  it('reports a conflict with base, mine and theirs when both sides changed a field', () => {
    const out = mergeFields({ email: 'old@example.com' }, { email: 'mine@example.com' }, theirs);
    expect(out.conflicts).toEqual([{ field: 'email', base: 'old@example.com', mine: 'mine@example.com', theirs: 'a@example.com' }]);
    expect(out.apply).toEqual({});
  });

  it('compares structured values by content, not key order', () => {
    const out = mergeFields({ phones: [{ number: '+12125550143', kind: 'mobile' }] }, { phones: [] }, theirs);
    expect(out.apply).toEqual({ phones: [] });
  });

  it('merges consents one at a time, so two reps recording different opt-outs do not conflict', () => {
    const out = mergeFields({ 'consents.marketingEmail': false }, { 'consents.marketingEmail': true }, (p) => getPath({ ...server, consents: { sms: false, marketingEmail: false } }, p));
    expect(out.apply).toEqual({ 'consents.marketingEmail': true });
  });
});

describe('records by path', () => {
  it('sets nested paths without changing the original', () => {
    const original = { consents: { sms: true, partnerSharing: false } };
    const changed = setPath(original, 'consents.sms', false);
    expect(changed).toEqual({ consents: { sms: false, partnerSharing: false } });
    expect(original.consents.sms).toBe(true);
    expect(applyChanges(original, { 'consents.partnerSharing': true, email: 'x@example.com' })).toEqual({
      consents: { sms: true, partnerSharing: true },
      email: 'x@example.com',
    });
  });
  it('spells equal objects one way', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});

describe('mutation values', () => {
  it('normalises phones and emails before they are queued', () => {
    expect(validateChanges('customer', { email: ' X@Example.com', phones: [{ kind: 'home', number: '(212) 555-0143' }] })).toEqual({
      email: 'x@example.com',
      phones: [{ kind: 'home', number: '+12125550143' }],
    });
  });
  it('names every bad field and its rule', () => {
    try {
      validateChanges('customer', { email: 'nope', phones: [{ kind: 'home', number: '12' }], serviceAddress: { line1: '1 Main', city: 'Austin', state: 'TX', zip: '787' } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'email', rule: 'email.format' }),
          expect.objectContaining({ field: 'phones.0.number', rule: 'phone.e164' }),
          expect.objectContaining({ field: 'serviceAddress.zip', rule: 'zip.format' }),
        ]),
      );
    }
  });
  it('refuses paths that are not mutable, and empty changes', () => {
    expect(() => validateChanges('customer', { accountNumber: 'A12345678' })).toThrow(/cannot be changed/);
    expect(() => validateChanges('customer', { id: 'x' })).toThrow(ValidationError);
    expect(() => validateChanges('customer', {})).toThrow(/nothing to change/);
  });
  it('accepts a single consent change', () => {
    expect(validateChanges('customer', { 'consents.sms': false })).toEqual({ 'consents.sms': false });
    expect(() => validateChanges('customer', { 'consents.sms': 'no' })).toThrow(ValidationError);
  });
});
