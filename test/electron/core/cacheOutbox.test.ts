import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CareDeskError } from '../../../domain/errors';
import { planSearch } from '../../../domain/search';
import type { ConflictInfo, MutationResult } from '../../../domain/sync/protocol';
import { SEQUENCE_GAP, openCache, type MutationDraft, type WorkstationCache } from '../../../electron/core/cache';
import { customerPuts, put, removeTempDirs, runFixture, tempDir } from './helpers';

const CLIENT = '8d3c1f5e-2a4b-4c6d-8e9f-0a1b2c3d4e5f';
const VERIFICATION = '5b9e7c1a-0d2f-4e3a-9b8c-7d6e5f4a3b2c';
const key = Buffer.alloc(32, 11);
const { changes, customers } = customerPuts(0, 30);
const alice = customers[3]!.customer;
const lastSeq = changes.at(-1)!.seq;

function rename(lastName: string, reason = 'caller spelled it'): MutationDraft {
  return { entity: 'customer', entityId: alice.id, customerId: alice.id, base: { lastName: alice.lastName }, changes: { lastName }, reason, verificationId: VERIFICATION };
}

function result(id: string, seq: number, status: MutationResult['status'], extra: Partial<MutationResult> = {}): MutationResult {
  return { id, seq, status, applied: [], conflicts: [], rejection: null, serverSeq: null, ...extra };
}

function conflictOn(field: string, mine: unknown, theirs: unknown, base: unknown): ConflictInfo {
  return { field, base, mine, theirs, changedBy: 'another rep', changedAt: '2026-11-02T10:00:00.000Z' };
}

describe('the outbox: edits that wait for the central store (DESIGN §5)', () => {
  let file: string;
  let cache: WorkstationCache;
  const nameHits = (query: string) => cache.search(planSearch(query, 'name'), 50).map((hit) => hit.customerId);

  beforeEach(() => {
    file = join(tempDir(), 'cache.db');
    cache = openCache({ file, key, now: () => new Date('2026-11-28T09:00:00.000Z') });
    cache.applyPull(changes, lastSeq);
    cache.setMeta('client_id', CLIENT);
    return () => cache.close();
  });
  afterAll(() => removeTempDirs());

  it('shows an edit at once in the effective record and the search index, while the server record stays as pulled', () => {
    const mutation = cache.enqueueMutation(rename('Zebedee'));
    expect(mutation).toMatchObject({ clientId: CLIENT, seq: 1, entity: 'customer', entityId: alice.id, changes: { lastName: 'Zebedee' }, verificationId: VERIFICATION, createdAt: '2026-11-28T09:00:00.000Z' });
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee', firstName: alice.firstName });
    expect(cache.getRecord('customer', alice.id)).toMatchObject({ lastName: alice.lastName });
    expect(nameHits('zebedee')).toEqual([alice.id]);
    expect(nameHits(`${alice.lastName} ${alice.firstName}`)).not.toContain(alice.id);
    expect(cache.pendingMutations(10)).toEqual([mutation]);
    expect(cache.outboxCounts()).toEqual({ pending: 1, conflicts: 0, rejected: 0, held: 0 });
  });

  it('shows a record born here from its pending create, with later edits over it, until the store’s copy replaces it', () => {
    const request = { customerId: alice.id, reason: 'caller asked to be forgotten' };
    const filed = cache.enqueueMutation({ op: 'create', entity: 'erasureRequest', entityId: '0b6f2b52-9d43-4a55-8f3e-2c1d0e9f8a7b', customerId: alice.id, base: {}, changes: request, reason: 'asked on the call', verificationId: VERIFICATION });
    expect(filed).toMatchObject({ op: 'create', entity: 'erasureRequest', changes: request });
    expect(cache.effectiveRecordsOfCustomer('erasureRequest', alice.id)).toEqual([{ ...request, status: 'pending', id: filed.entityId }]);

    const id = '6a1e3c9b-2f4d-4e8a-9b7c-1d2e3f4a5b6c';
    const lead = { firstName: 'Priya', lastName: 'Natarajan', email: 'priya.n@example.org', phone: '+14155550142', mailingAddress: { line1: '77 Geary Street', city: 'San Francisco', state: 'CA', zip: '94108' }, location: 'San Francisco, CA', requestedServices: ['business VoIP'] };
    const create = cache.enqueueMutation({ op: 'create', entity: 'lead', entityId: id, customerId: null, base: {}, changes: lead, reason: 'prequalification call', verificationId: null });
    cache.enqueueMutation({ entity: 'lead', entityId: id, customerId: null, base: { lastName: 'Natarajan' }, changes: { lastName: 'Natarajan-Rao' }, reason: 'spelling', verificationId: null });
    expect(cache.effectiveRecord('lead', id)).toEqual({ ...lead, lastName: 'Natarajan-Rao', status: 'new', id });
    expect(cache.changesOf('lead', id).map((e) => e.op ?? 'edit')).toEqual(['create', 'edit']);
    expect(cache.pendingMutations(10).map((m) => m.op ?? null)).toEqual(['create', 'create', null]);

    cache.recordResults([result(create.id, create.seq, 'applied', { serverSeq: lastSeq + 1 })], lastSeq + 1);
    const stored = { ...lead, id, status: 'new', createdAt: '2026-11-28T09:00:01.000Z', convertedCustomerId: null };
    cache.applyPull([put(lastSeq + 1, 'lead', stored, null)], lastSeq + 1);
    expect(cache.effectiveRecord('lead', id)).toEqual({ ...stored, lastName: 'Natarajan-Rao' });
  });

  it('purges an erased customer: their records and every outbox entry go, and the purge waits to be reported', () => {
    const bob = customers[4]!.customer;
    const mine = cache.enqueueMutation(rename('Zebedee'));
    cache.recordResults([result(mine.id, mine.seq, 'rejected', { rejection: { code: 'not_found', message: 'gone', issues: [] } })], lastSeq);
    cache.enqueueMutation(rename('Again'));
    const bobs = cache.enqueueMutation({ entity: 'customer', entityId: bob.id, customerId: bob.id, base: { lastName: bob.lastName }, changes: { lastName: 'Kept' }, reason: 'spelling', verificationId: VERIFICATION });
    const own = changes.filter((c) => c.customerId === alice.id);
    cache.applyPull(own.map((c, i) => ({ t: 'del' as const, seq: lastSeq + 1 + i, entity: c.entity, id: c.id, customerId: alice.id })), lastSeq + own.length);
    expect(cache.effectiveRecord('customer', alice.id)).toBeNull();
    expect(cache.recordsOfCustomer('serviceLine', alice.id)).toEqual([]);
    expect(cache.changesOf('customer', alice.id)).toEqual([]);
    expect(cache.pendingMutations(10).map((m) => m.id)).toEqual([bobs.id]);
    expect(nameHits('zebedee')).toEqual([]);
    expect(cache.pendingPurges(10)).toEqual([alice.id]);
    cache.clearPurges([alice.id]);
    expect(cache.pendingPurges(10)).toEqual([]);
  });

  it('does not queue an edit that fails validation, and changes nothing', () => {
    expect(() => cache.enqueueMutation({ ...rename('x'), changes: { email: 'not an email' } })).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => cache.enqueueMutation(rename('Valid', 'no'))).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(cache.pendingMutations(10)).toEqual([]);
    expect(cache.effectiveRecord('customer', alice.id)).toEqual(alice);
  });

  it('needs a client id before the first edit', () => {
    cache.deleteMeta('client_id');
    expect(() => cache.enqueueMutation(rename('Zebedee'))).toThrow(CareDeskError);
    expect(cache.outboxCounts().pending).toBe(0);
  });

  it('keeps pending edits, in order, through a process that dies without closing the cache', () => {
    cache.close();
    const run = runFixture('crashingCache.ts', { ...process.env, CUSTOMER_ID: alice.id }, ['pending', file, key.toString('hex')]);
    expect(run.status, run.stderr).toBe(0);
    cache = openCache({ file, key });
    const pending = cache.pendingMutations(10);
    expect(pending.map((m) => [m.seq, m.changes.lastName])).toEqual([
      [1, 'Alpha'],
      [2, 'Bravo'],
      [3, 'Charlie'],
    ]);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Charlie' });
    expect(nameHits('charlie')).toEqual([alice.id]);
  });

  it('re-applies a pending edit over a newer pulled version, in the record and the search index', () => {
    cache.enqueueMutation(rename('Zebedee'));
    const pulled = { ...alice, email: 'new.address@example.net', updatedAt: '2026-11-28T08:00:00.000Z' };
    expect(cache.applyPull([put(lastSeq + 1, 'customer', pulled, alice.id)], lastSeq + 1)).toEqual([{ entity: 'customer', id: alice.id, customerId: alice.id }]);
    expect(cache.getRecord('customer', alice.id)).toMatchObject({ lastName: alice.lastName, email: 'new.address@example.net' });
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee', email: 'new.address@example.net' });
    expect(nameHits('zebedee')).toEqual([alice.id]);
    expect(cache.search(planSearch('new.address@', 'email'), 5)).toEqual([{ customerId: alice.id, matchedBy: 'email' }]);
    expect(cache.getMeta('cursor')).toBe(String(lastSeq + 1));
  });

  it('ignores a pulled version older than the one it has, and deletes a record the server deleted', () => {
    cache.applyPull([put(lastSeq + 5, 'customer', { ...alice, firstName: 'Newer' }, alice.id)], lastSeq + 5);
    cache.applyPull([put(lastSeq + 2, 'customer', { ...alice, firstName: 'Older' }, alice.id)], lastSeq + 5);
    expect(cache.getRecord('customer', alice.id)).toMatchObject({ firstName: 'Newer' });
    cache.applyPull([{ t: 'del', seq: lastSeq + 6, entity: 'customer', id: alice.id, customerId: alice.id }], lastSeq + 6);
    expect(cache.getRecord('customer', alice.id)).toBeNull();
    expect(nameHits(`${alice.lastName} newer`)).toEqual([]);
  });

  it('keeps an applied edit over the cached record until the pull brings the record as the store wrote it, then drops it; never hands out its number again', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    // the store wrote alice at lastSeq + 2; its head was lastSeq + 3 when it answered
    expect(cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 2 })], lastSeq + 3)).toEqual([{ entity: 'customer', id: alice.id, customerId: alice.id }]);
    expect(cache.pendingMutations(10)).toEqual([]);
    expect(cache.outboxCounts()).toEqual({ pending: 0, conflicts: 0, rejected: 0, held: 0 });
    // confirmed: neither listed as waiting nor on the record's change list, and still the view
    expect(cache.changesOf('customer', alice.id)).toEqual([]);
    expect(cache.queuedChanges()).toEqual([]);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(nameHits('zebedee')).toEqual([alice.id]);
    expect(cache.enqueueMutation(rename('Again')).seq).toBe(2);
  });

  it('bases a second edit of a confirmed field on the confirmed value, not on the older cached record', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 })], lastSeq + 1);
    // what the console's edit takes as its base: the effective record
    expect(cache.effectiveRecord('customer', alice.id)!.lastName).toBe('Zebedee');
    // a pull that left before the push was answered lands after it: an older alice, its cursor short of the head
    cache.applyPull([put(lastSeq, 'customer', { ...alice, email: 'older.pull@example.net' }, alice.id)], lastSeq);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(nameHits('zebedee')).toEqual([alice.id]);
    expect(nameHits(alice.lastName)).not.toContain(alice.id);
  });

  it('drops an applied edit once the pull brings its record, and shows what the store holds after it', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 })], lastSeq + 1);
    // another desk renamed her again after; the pull brings that version (past the edit) and the cursor past the head
    cache.applyPull([put(lastSeq + 2, 'customer', { ...alice, lastName: 'Yarrow' }, alice.id)], lastSeq + 2);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Yarrow' });
    expect(nameHits('yarrow')).toEqual([alice.id]);
    expect(nameHits('zebedee')).toEqual([]);
    // gone from the outbox: a later pull of an older page cannot bring the edit back over the record
    cache.applyPull([put(lastSeq + 1, 'customer', { ...alice, lastName: 'Zebedee' }, alice.id)], lastSeq + 2);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Yarrow' });
  });

  it('keeps an applied edit while the cursor passed the head but its record changed again and is still on its way', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 })], lastSeq + 1);
    // a page up to lastSeq + 3 without alice: her row moved on to lastSeq + 5 (a pull sends a record once, at its latest)
    const bob = customers[4]!.customer;
    cache.applyPull([put(lastSeq + 3, 'customer', { ...bob, email: 'bob.moved@example.net' }, bob.id)], lastSeq + 3);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    cache.applyPull([put(lastSeq + 5, 'customer', { ...alice, lastName: 'Zebedee', email: 'alice.moved@example.net' }, alice.id)], lastSeq + 5);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee', email: 'alice.moved@example.net' });
    // settled: an edit of the record now is based on the pulled copy alone
    cache.applyPull([put(lastSeq + 6, 'customer', { ...alice, lastName: 'Quill' }, alice.id)], lastSeq + 6);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Quill' });
  });

  it('drops an applied edit that wrote nothing, or whose record this cache never holds, when the cursor reaches the head', () => {
    const same = cache.enqueueMutation(rename('Zebedee'));
    const lead = '6a1e3c9b-2f4d-4e8a-9b7c-1d2e3f4a5b6c';
    const created = cache.enqueueMutation({ op: 'create', entity: 'lead', entityId: lead, customerId: null, base: {}, changes: { firstName: 'Priya', lastName: 'N', email: 'p@example.org', phone: '+14155550142', requestedServices: ['business VoIP'] }, reason: 'quote', verificationId: null });
    cache.recordResults([result(same.id, same.seq, 'applied', { serverSeq: null }), result(created.id, created.seq, 'applied', { serverSeq: lastSeq + 1 })], lastSeq + 2);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(cache.effectiveRecord('lead', lead)).toMatchObject({ firstName: 'Priya' });
    cache.applyPull([], lastSeq + 1);
    expect(cache.effectiveRecord('lead', lead)).toMatchObject({ firstName: 'Priya' });
    cache.applyPull([], lastSeq + 2);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: alice.lastName });
    expect(cache.effectiveRecord('lead', lead)).toBeNull();
  });

  it('keeps an applied edit across a restart of the cache while the pull has not come, and drops it when it does', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 })], lastSeq + 1);
    cache.close();
    cache = openCache({ file, key });
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(nameHits('zebedee')).toEqual([alice.id]);
    expect(cache.outboxCounts().pending).toBe(0);
    expect(cache.pendingMutations(10)).toEqual([]);
    // the store's answer to a resend of the same mutation changes nothing
    cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 })], lastSeq + 1);
    cache.applyPull([put(lastSeq + 1, 'customer', { ...alice, lastName: 'Zebedee' }, alice.id)], lastSeq + 1);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(cache.getRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
  });

  it('takes an applied edit out with an erased customer', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    cache.recordResults([result(first.id, first.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 })], lastSeq + 1);
    cache.applyPull([{ t: 'del', seq: lastSeq + 1, entity: 'customer', id: alice.id, customerId: alice.id }], lastSeq + 1);
    expect(cache.effectiveRecord('customer', alice.id)).toBeNull();
    expect(nameHits('zebedee')).toEqual([]);
  });

  it('keeps a conflicting edit with its conflicts, out of the effective view, until the user decides', () => {
    const mutation = cache.enqueueMutation({ ...rename('Zebedee'), base: { lastName: alice.lastName, email: alice.email }, changes: { lastName: 'Zebedee', email: 'z@example.com' } });
    const conflicts = [conflictOn('lastName', 'Zebedee', 'Smythe', alice.lastName), conflictOn('email', 'z@example.com', 'smythe@example.com', alice.email)];
    cache.recordResults([result(mutation.id, mutation.seq, 'conflict', { conflicts })], lastSeq);
    expect(cache.pendingMutations(10)).toEqual([]);
    expect(cache.outboxCounts()).toEqual({ pending: 0, conflicts: 2, rejected: 0, held: 0 });
    expect(cache.conflicts()).toEqual([
      {
        mutationId: mutation.id,
        entity: 'customer',
        entityId: alice.id,
        customerId: alice.id,
        reason: 'caller spelled it',
        createdAt: mutation.createdAt,
        verificationId: VERIFICATION,
        conflicts,
      },
    ]);
    expect(cache.effectiveRecord('customer', alice.id)).toEqual(alice);
    expect(cache.changesOf('customer', alice.id)).toMatchObject([{ id: mutation.id, status: 'conflict', conflicts }]);
  });

  it("resolves a conflict by keeping theirs (the field is dropped) or mine (sent again on their value)", () => {
    const mutation = cache.enqueueMutation({ ...rename('Zebedee'), changes: { lastName: 'Zebedee', email: 'z@example.com' } });
    const conflicts = [conflictOn('lastName', 'Zebedee', 'Smythe', alice.lastName), conflictOn('email', 'z@example.com', 'smythe@example.com', alice.email)];
    cache.recordResults([result(mutation.id, mutation.seq, 'conflict', { conflicts })], lastSeq);

    expect(cache.resolveConflict(mutation.id, 'email', 'theirs')).toBeNull();
    expect(cache.conflicts()[0]!.conflicts.map((c) => c.field)).toEqual(['lastName']);

    const resent = cache.resolveConflict(mutation.id, 'lastName', 'mine')!;
    expect(resent).toMatchObject({
      seq: 2,
      base: { lastName: 'Smythe' },
      changes: { lastName: 'Zebedee' },
      verificationId: VERIFICATION,
      reason: 'caller spelled it (conflict resolved: kept mine)',
    });
    expect(cache.conflicts()).toEqual([]);
    expect(cache.pendingMutations(10)).toEqual([resent]);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Zebedee' });
    expect(nameHits('zebedee')).toEqual([alice.id]);
    expect(() => cache.resolveConflict(mutation.id, 'lastName', 'mine')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('keeps a rejected edit with the reason until the user dismisses it', () => {
    const mutation = cache.enqueueMutation(rename('Zebedee'));
    const rejection = { code: 'forbidden', message: 'a care rep may not change this', issues: [{ field: 'lastName', rule: 'policy.write', message: 'not writable' }] };
    cache.recordResults([result(mutation.id, mutation.seq, 'rejected', { rejection })], lastSeq);
    expect(cache.outboxCounts()).toEqual({ pending: 0, conflicts: 0, rejected: 1, held: 0 });
    expect(cache.rejected()).toEqual([
      { mutationId: mutation.id, entity: 'customer', entityId: alice.id, customerId: alice.id, fields: ['lastName'], reason: 'caller spelled it', createdAt: mutation.createdAt, rejection },
    ]);
    expect(cache.effectiveRecord('customer', alice.id)).toEqual(alice);
    expect(nameHits('zebedee')).toEqual([]);
    cache.dismissRejected(mutation.id);
    expect(cache.rejected()).toEqual([]);
    expect(() => cache.dismissRejected(mutation.id)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('keeps an edit the central store held for review as held, with the reason: not applied, not sent again, not dismissable, kept across a restart', () => {
    const mutation = cache.enqueueMutation(rename('Zebedee'));
    const held = { reason: 'verification.expired' as const, message: "held for a supervisor's review" };
    cache.recordResults([result(mutation.id, mutation.seq, 'held', { held })], lastSeq);
    expect(cache.outboxCounts()).toEqual({ pending: 0, conflicts: 0, rejected: 0, held: 1 });
    expect(cache.pendingMutations(10)).toEqual([]);
    expect(cache.effectiveRecord('customer', alice.id)).toEqual(alice);
    expect(nameHits('zebedee')).toEqual([]);
    expect(() => cache.dismissRejected(mutation.id)).toThrow(expect.objectContaining({ code: 'not_found' }));
    cache.close();
    cache = openCache({ file, key });
    expect(cache.changesOf('customer', alice.id)).toEqual([expect.objectContaining({ id: mutation.id, status: 'held', hold: held, rejection: null })]);
  });

  it('asks again about a held edit, exactly as it was sent, until a supervisor decides: applied leaves, declined is refused with the reason', () => {
    const applied = cache.enqueueMutation(rename('Zebedee'));
    const declined = cache.enqueueMutation({ ...rename('Yarrow'), entityId: customers[4]!.customer.id, customerId: customers[4]!.customer.id, base: { lastName: customers[4]!.customer.lastName } });
    const held = { reason: 'verification.expired' as const, message: "held for a supervisor's review" };
    cache.recordResults([result(applied.id, applied.seq, 'held', { held }), result(declined.id, declined.seq, 'held', { held })], lastSeq);
    // the same mutations, byte for byte: the store answers a resend from what it stored for them
    expect(cache.heldMutations(10)).toEqual([applied, declined]);
    cache.recordResults([result(applied.id, applied.seq, 'held', { held })], lastSeq);
    expect(cache.outboxCounts().held).toBe(2);
    const rejection = { code: 'held_edit.declined', message: 'declined by Sam Supervisor: the caller must call again', issues: [] };
    cache.recordResults([result(applied.id, applied.seq, 'applied', { applied: ['lastName'], serverSeq: lastSeq + 1 }), result(declined.id, declined.seq, 'rejected', { rejection })], lastSeq + 1);
    expect(cache.heldMutations(10)).toEqual([]);
    expect(cache.changesOf('customer', alice.id)).toEqual([]);
    expect(cache.rejected()).toEqual([expect.objectContaining({ mutationId: declined.id, rejection })]);
  });

  it('sends a conflicting field to a supervisor with the user’s note: my value against theirs, marked as an escalation, kept across a restart', () => {
    const mutation = cache.enqueueMutation({ ...rename('Zebedee'), changes: { lastName: 'Zebedee', email: 'z@example.com' } });
    const conflicts = [conflictOn('lastName', 'Zebedee', 'Smythe', alice.lastName), conflictOn('email', 'z@example.com', 'smythe@example.com', alice.email)];
    cache.recordResults([result(mutation.id, mutation.seq, 'conflict', { conflicts })], lastSeq);
    const escalation = cache.escalateConflict(mutation.id, 'lastName', 'the caller spelled it twice');
    expect(escalation).toMatchObject({ seq: 2, base: { lastName: 'Smythe' }, changes: { lastName: 'Zebedee' }, escalation: { note: 'the caller spelled it twice' }, reason: 'caller spelled it (conflict escalated to a supervisor)' });
    expect(cache.conflicts()[0]!.conflicts.map((c) => c.field)).toEqual(['email']);
    cache.close();
    cache = openCache({ file, key });
    expect(cache.pendingMutations(10)).toEqual([escalation]);
    expect(() => cache.escalateConflict(mutation.id, 'lastName', 'again')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('leaves an edit pending when the central store reports a sequence gap, so it is sent again', () => {
    const first = cache.enqueueMutation(rename('Zebedee'));
    const second = cache.enqueueMutation(rename('Yarrow'));
    cache.recordResults([
      result(first.id, first.seq, 'rejected', { rejection: { code: SEQUENCE_GAP, message: 'expected seq 1', issues: [] } }),
      result(second.id, second.seq, 'rejected', { rejection: { code: SEQUENCE_GAP, message: 'expected seq 1', issues: [] } }),
    ], lastSeq);
    expect(cache.pendingMutations(10)).toEqual([first, second]);
    expect(cache.outboxCounts()).toEqual({ pending: 2, conflicts: 0, rejected: 0, held: 0 });
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Yarrow' });
  });

  it('takes back an edit no push carried, and numbers the ones after it down so the store sees no gap', () => {
    const first = cache.enqueueMutation(rename('First'));
    const mistake = cache.enqueueMutation(rename('Mistake', 'typed into the wrong caller'));
    const last = cache.enqueueMutation(rename('Last'));
    expect(cache.discardPending(mistake.id)).toEqual({ entity: 'customer', id: alice.id, customerId: alice.id });
    expect(cache.pendingMutations(10).map((m) => [m.id, m.seq])).toEqual([
      [first.id, 1],
      [last.id, 2],
    ]);
    expect(cache.enqueueMutation(rename('Next')).seq).toBe(3);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: 'Next' });
  });

  it('takes back the last edit and hands its number to the next one', () => {
    const only = cache.enqueueMutation(rename('Mistake'));
    cache.discardPending(only.id);
    expect(cache.effectiveRecord('customer', alice.id)).toMatchObject({ lastName: alice.lastName });
    expect(nameHits('mistake')).toEqual([]);
    expect(cache.enqueueMutation(rename('Right')).seq).toBe(only.seq);
  });

  it('keeps an edit a push carried without an answer: it may be applied already; a later attempt that sent nothing does not clear that', () => {
    const edit = cache.enqueueMutation(rename('Sent'));
    cache.markSent([edit.id], 'attempt-1');
    const refused = (() => {
      try {
        cache.discardPending(edit.id);
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(CareDeskError);
    expect((refused as CareDeskError).message).toMatch(/may have reached the central store/);
    // the retry never connected: its own marks go, the first attempt's stays
    cache.markSent([edit.id], 'attempt-2');
    cache.unmarkSent('attempt-2');
    expect(() => cache.discardPending(edit.id)).toThrow(/may have reached/);
    // an attempt that sent nothing leaves what it carried free to take back
    const later = cache.enqueueMutation(rename('Later'));
    cache.markSent([later.id], 'attempt-3');
    cache.unmarkSent('attempt-3');
    cache.discardPending(later.id);
    expect(cache.pendingMutations(10).map((m) => m.id)).toEqual([edit.id]);
  });

  it('refuses to take back what is not waiting to send', () => {
    const edit = cache.enqueueMutation(rename('Zed'));
    cache.recordResults([result(edit.id, edit.seq, 'rejected', { rejection: { code: 'validation', message: 'no', issues: [] } })], lastSeq);
    expect(() => cache.discardPending(edit.id)).toThrow(/no change waiting to send/);
    expect(() => cache.discardPending(VERIFICATION)).toThrow(/no change waiting to send/);
  });

  it('keeps view events until they are reported', () => {
    const opened = cache.recordView('customer', alice.id);
    const other = cache.recordView('customer', customers[4]!.customer.id);
    expect(cache.pendingViews(10)).toEqual([opened, other]);
    expect(opened).toMatchObject({ entity: 'customer', entityId: alice.id, at: '2026-11-28T09:00:00.000Z' });
    expect(cache.clearViews([opened.id])).toBe(1);
    expect(cache.pendingViews(10)).toEqual([other]);
  });

  it('refuses every call once closed', () => {
    cache.close();
    expect(cache.isOpen).toBe(false);
    const calls: (() => unknown)[] = [
      () => cache.getMeta('cursor'),
      () => cache.search(planSearch('smith'), 5),
      () => cache.effectiveRecord('customer', alice.id),
      () => cache.applyPull([], 1),
      () => cache.enqueueMutation(rename('Zebedee')),
      () => cache.pendingMutations(1),
      () => cache.recordView('customer', alice.id),
      () => cache.beginInitialSync(),
    ];
    for (const call of calls) expect(call).toThrow(expect.objectContaining({ code: 'locked' }));
  });
});
