import { describe, expect, it } from 'vitest';
import { customerSearchKeys, foldText, planSearch } from '../../domain';

describe('reading what the rep typed', () => {
  it('reads digits as a phone search and an account number search', () => {
    expect(planSearch('(212) 555-01')).toEqual([
      { kind: 'phone', term: '21255501' },
      { kind: 'account', term: 'a21255501' },
    ]);
  });
  it('drops the country code of an 11-digit North American number', () => {
    expect(planSearch('1 212 555 0143')[0]).toEqual({ kind: 'phone', term: '2125550143' });
  });
  it('needs at least three digits for a phone search', () => {
    expect(planSearch('21')).toEqual([]);
  });
  it('reads A + digits as an account number', () => {
    expect(planSearch('A1234')).toEqual([{ kind: 'account', term: 'a1234' }]);
  });
  it('reads @ as an email and letters as a name or email prefix', () => {
    expect(planSearch('Jane@Ex')).toEqual([{ kind: 'email', term: 'jane@ex' }]);
    expect(planSearch('  José  O')).toEqual([
      { kind: 'name', term: 'jose o' },
      { kind: 'email', term: 'jose o' },
    ]);
  });
  it('honours an explicit kind', () => {
    expect(planSearch('(212) 555', 'phone')).toEqual([{ kind: 'phone', term: '212555' }]);
    expect(planSearch('+1 212 555 0143', 'phone')).toEqual([{ kind: 'phone', term: '2125550143' }]);
  });
});

describe('search keys of a customer', () => {
  it('folds accents and case and keeps national phone digits', () => {
    const keys = customerSearchKeys({ firstName: 'José', lastName: "O'Brien", email: 'JOSE@example.com', accountNumber: 'A12345678', phones: [{ number: '+12125550143' }] });
    expect(keys).toEqual({ nameLastFirst: "o'brien jose", nameFirstLast: "jose o'brien", email: 'jose@example.com', account: 'a12345678', phones: ['2125550143'] });
    expect(foldText('ÅSA  Öberg')).toBe('asa oberg');
  });
  it('copes with a projection that lacks fields', () => {
    expect(customerSearchKeys({ firstName: 'Ann' })).toEqual({ nameLastFirst: 'ann', nameFirstLast: 'ann', email: null, account: null, phones: [] });
  });
});
