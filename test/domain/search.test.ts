import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_WORDS, ValidationError, classifyToken, combinedRank, combinedSearch, customerSearchKeys, foldText, kindsOfTokens, planSearch } from '../../domain';

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

describe('reading words typed together (combined search)', () => {
  it('classifies each word: a full number, the last four digits, a middle run, a name, an email, an account number', () => {
    expect(classifyToken('2125554151')).toEqual({ kind: 'phoneFull', term: '2125554151' });
    expect(classifyToken('1-212-555-4151')).toEqual({ kind: 'phoneFull', term: '2125554151' });
    expect(classifyToken('4151')).toEqual({ kind: 'phoneLast4', term: '4151' });
    expect(classifyToken('555-41')).toEqual({ kind: 'phoneMiddle', term: '55541' });
    expect(classifyToken('201')).toEqual({ kind: 'phoneMiddle', term: '201' });
    expect(classifyToken('Breit')).toEqual({ kind: 'name', term: 'breit' });
    expect(classifyToken("O'Brién")).toEqual({ kind: 'name', term: "o'brien" });
    expect(classifyToken('j.mitchell')).toEqual({ kind: 'email', term: 'j.mitchell' });
    expect(classifyToken('jmitchell42')).toEqual({ kind: 'email', term: 'jmitchell42' });
    expect(classifyToken('Jo@Ex')).toEqual({ kind: 'email', term: 'jo@ex' });
    expect(classifyToken('A3141')).toEqual({ kind: 'account', term: 'a3141' });
  });

  it('reads several words as a combined search, in the order typed', () => {
    expect(combinedSearch('4151 breit')).toEqual([
      { kind: 'phoneLast4', term: '4151' },
      { kind: 'name', term: 'breit' },
    ]);
    expect(combinedSearch('j  Mitchell 4151')).toEqual([
      { kind: 'name', term: 'j' },
      { kind: 'name', term: 'mitchell' },
      { kind: 'phoneLast4', term: '4151' },
    ]);
    expect(kindsOfTokens(combinedSearch('mitchell 201 jm@')!)).toEqual(['name', 'phone', 'email']);
  });

  it('leaves one word, an explicit kind and a number typed with spaces to the one-kind reading, as before', () => {
    expect(combinedSearch('breit')).toBeNull();
    expect(combinedSearch('212 555 4151')).toBeNull();
    expect(combinedSearch('(212) 555-4151')).toBeNull();
    expect(combinedSearch('smith jo', 'name')).toBeNull();
  });

  it('refuses, by field, a text longer than a search or with too many words', () => {
    const refusal = (query: string) => {
      try {
        combinedSearch(query);
      } catch (err) {
        return err;
      }
      return null;
    };
    const long = refusal('x'.repeat(10_240));
    expect(long).toBeInstanceOf(ValidationError);
    expect((long as ValidationError).issues).toEqual([expect.objectContaining({ field: 'query', rule: 'search.length' })]);
    const many = refusal(Array.from({ length: 500 }, (_, i) => `w${i % 10}`).join(' ').slice(0, 100));
    expect((many as ValidationError).issues).toEqual([expect.objectContaining({ field: 'query', rule: 'search.words' })]);
    expect(refusal(Array.from({ length: MAX_SEARCH_WORDS }, () => 'ab').join(' '))).toBeNull();
  });

  it('takes quotes, stars and FTS or SQL syntax as plain characters of a name word', () => {
    expect(combinedSearch('"smith* NEAR( 4151')).toEqual([
      { kind: 'name', term: '"smith*' },
      { kind: 'name', term: 'near(' },
      { kind: 'phoneLast4', term: '4151' },
    ]);
    expect(combinedSearch("o' OR 1=1 --")!.map((t) => t.kind)).toEqual(['name', 'name', 'name', 'name']);
  });
});

describe('ranking the customers every word matched', () => {
  const keys = (last: string, first: string, ...phones: string[]) => ({ nameLastFirst: `${last} ${first}`, nameFirstLast: `${first} ${last}`, phones });
  const tokens = combinedSearch('4151 breit')!;

  it('puts a number ending in the digits before one containing them, and the first number on file before another', () => {
    const ends = combinedRank(tokens, keys('breitenberg', 'ada', '2125554151'));
    const endsSecond = combinedRank(tokens, keys('breitenberg', 'ada', '3035550000', '2125554151'));
    const contains = combinedRank(tokens, keys('breitenberg', 'ada', '2124151555'));
    expect(ends).toBeLessThan(endsSecond);
    expect(endsSecond).toBeLessThan(contains);
  });

  it('puts a last-name match before a first-name match, and a name read as typed before one in another order', () => {
    expect(combinedRank(tokens, keys('breitenberg', 'ada', '2125554151'))).toBeLessThan(combinedRank(tokens, keys('adams', 'breit', '2125554151')));
    const smithJo = combinedSearch('smith jo')!;
    expect(combinedRank(smithJo, keys('smith', 'john'))).toBeLessThan(combinedRank(smithJo, keys('smithers', 'jo')));
  });
});
