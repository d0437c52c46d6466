import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, MAX_VIEW_CHAIN_SEQ, PROTOCOL, VIEW_CHAIN_GENESIS, VIEW_HEAD_HEADER, viewChainPreimage, viewHeadHeader, type ViewChainHead, type ViewEvent } from '../../domain';
import { viewHeadSigner } from '../../electron/core/device/viewHeadSigner';
import { Harness, type TestDevice, type TestSession } from './harness';

/**
 * The chain of offline reads (issue 16, item 2), played by a modified client against the real store:
 * once a desk has reported a signed head, a read dropped, altered, a chain forked, an old head sent
 * again, a head signed by another desk's key and absurd numbers are each an audit row the compliance
 * view shows (`offline_views.chain_broken`, naming the rule), and the push still does the rest of its
 * work; what the schema cannot take is refused whole, naming the field and the rule.
 */

/** A desk's chain as a modified client keeps it: every entry it made, by number, and its device key to sign heads. */
class DeskChain {
  readonly entries: { view: ViewEvent; hash: string }[] = [];
  private readonly sign;

  constructor(
    readonly session: TestSession,
    key: TestDevice = session.device,
  ) {
    // the head is signed as a desk signs it: the real signer, with the session's device id and the key given
    this.sign = viewHeadSigner({ deviceId: session.device.id, keyPem: key.keyPem });
  }

  /** A view linked after `prev` (by default the last entry): what an honest desk seals, or a forged one. */
  make(customerId: string, options: { seq?: number; prev?: string; at?: string } = {}): { view: ViewEvent; hash: string } {
    const last = this.entries.at(-1);
    const seq = options.seq ?? (last ? last.view.chain!.seq + 1 : 1);
    const prev = options.prev ?? last?.hash ?? VIEW_CHAIN_GENESIS;
    const { chain: _none, ...event } = { id: randomUUID(), entity: 'customer' as const, entityId: customerId, at: options.at ?? new Date().toISOString(), chain: undefined };
    const link = { seq, prev };
    const hash = createHash('sha256').update(viewChainPreimage(link, { kind: 'view', event })).digest('hex');
    return { view: { ...event, chain: link }, hash };
  }

  add(customerId: string, n = 1): this {
    for (let i = 0; i < n; i++) this.entries.push(this.make(customerId));
    return this;
  }

  at(seq: number) {
    return this.entries[seq - 1]!;
  }

  head(seq = this.entries.length): ViewChainHead {
    return this.sign(this.session.clientId, { seq, hash: seq === 0 ? VIEW_CHAIN_GENESIS : this.at(seq).hash });
  }
}

describe('the chain of offline reads at the central store', () => {
  let h: Harness;
  let customerId: string;
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    customerId = h.customer(0).customer.id;
  });
  afterAll(() => h.dispose().catch(() => undefined));

  const v8 = { [PROTOCOL.header]: String(PROTOCOL.version) };
  const push = (s: TestSession, body: { views?: ViewEvent[]; viewHead?: ViewChainHead } & Record<string, unknown>) =>
    h.call(s.device.agent, 'POST', API.push, { token: s.token, headers: v8, body: { clientId: s.clientId, mutations: [], views: [], ...body } });
  const pull = (s: TestSession, header: string) => h.call(s.device.agent, 'GET', `${API.pull}?cursor=0`, { token: s.token, headers: { ...v8, [VIEW_HEAD_HEADER]: header } });
  const faults = async (s: TestSession) =>
    (await h.store.db.selectFrom('audit_log').select(['detail', 'outcome', 'device_id', 'user_id']).where('action', '=', 'offline_views.chain_broken').where('entity_id', '=', s.clientId).orderBy('seq').execute()).map((r) => {
      expect(r).toMatchObject({ outcome: 'failed', device_id: s.device.id, user_id: s.user.id });
      return r.detail!;
    });
  const viewRows = async (ids: string[]) => (await h.store.db.selectFrom('audit_log').select('event_id').where('action', '=', 'record.view').where('event_id', 'in', ids).execute()).length;

  it('takes an honest chain, sent again after a lost answer and reported again, without a fault', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 3);
    expect((await push(desk.session, { views: desk.entries.map((e) => e.view), viewHead: desk.head() })).status).toBe(200);
    expect((await push(desk.session, { views: desk.entries.map((e) => e.view), viewHead: desk.head() })).status).toBe(200);
    expect((await pull(desk.session, viewHeadHeader({ clientId: desk.session.clientId, head: desk.head() }))).status).toBe(200);
    desk.add(customerId, 2);
    // the head ahead of what this push carries (a push cut to its batch): the rest follows
    expect((await push(desk.session, { views: [desk.at(4).view], viewHead: desk.head() })).status).toBe(200);
    expect((await push(desk.session, { views: [desk.at(5).view], viewHead: desk.head() })).status).toBe(200);
    expect(await faults(desk.session)).toEqual([]);
    expect(await viewRows(desk.entries.map((e) => e.view.id))).toBe(5);
  });

  it('flags an entry dropped after its head was reported, and still audits the reads that came', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 5);
    // the head of 5 reported (a pull) while entries 3 to 5 wait
    expect((await push(desk.session, { views: [desk.at(1).view, desk.at(2).view], viewHead: desk.head() })).status).toBe(200);
    // the modified desk drops entry 4 before sending the rest, with an edit made on the call
    const { customer, secrets } = h.customer(1);
    const verificationId = (await h.verify(desk.session, customer.id, 'account_pin', secrets.accountPin)).json.verificationId as string;
    const edit = h.mutation(desk.session, h.nextSeq(desk.session), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'chain.gap@example.org' }, { verificationId });
    const res = await push(desk.session, { mutations: [edit], views: [desk.at(3).view, desk.at(5).view], viewHead: desk.head() });
    expect(res.status).toBe(200);
    // the rest of the push does its work: the edit is applied
    expect(res.json.results).toEqual([expect.objectContaining({ id: edit.id, status: 'applied' })]);
    expect((await h.record('customer', customer.id)).data.email).toBe('chain.gap@example.org');
    expect(await faults(desk.session)).toEqual([expect.stringMatching(/^entry 4 is missing \(covered by the head the desk reported at .*\) \(view_chain\.gap\)$/)]);
    expect(await viewRows([3, 5].map((n) => desk.at(n).view.id))).toBe(2);
  });

  it('flags an entry altered after its head was reported', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 3);
    expect((await push(desk.session, { views: [desk.at(1).view], viewHead: desk.head() })).status).toBe(200);
    // entry 3 rewritten (another customer) with its link kept: its hash is no longer the one the head signs
    const altered = { ...desk.at(3).view, entityId: h.customer(1).customer.id };
    expect((await push(desk.session, { views: [desk.at(2).view, altered] })).status).toBe(200);
    expect(await faults(desk.session)).toEqual([expect.stringMatching(/^entry 3 is not the one the head reported at .* signs \(view_chain\.altered\)$/)]);
    // and one received already, sent again changed
    expect((await push(desk.session, { views: [{ ...desk.at(1).view, at: '2020-01-01T00:00:00.000Z' }] })).status).toBe(200);
    expect((await faults(desk.session)).at(-1)).toBe('entry 1 differs from the entry received under that number (view_chain.altered)');
  });

  it('flags a chain rebuilt from an earlier entry (a fork), and a head that contradicts one reported', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 3);
    expect((await push(desk.session, { views: desk.entries.map((e) => e.view), viewHead: desk.head() })).status).toBe(200);
    // rebuilt after entry 2: a new entry 3 and a 4 that follows it, not the 3 the store holds
    const forked3 = desk.make(customerId, { seq: 3, prev: desk.at(2).hash });
    const forked4 = desk.make(customerId, { seq: 4, prev: forked3.hash });
    const forkedHead = viewHeadSigner({ deviceId: desk.session.device.id, keyPem: desk.session.device.keyPem })(desk.session.clientId, { seq: 3, hash: forked3.hash });
    expect((await push(desk.session, { views: [forked3.view, forked4.view], viewHead: forkedHead })).status).toBe(200);
    expect(await faults(desk.session)).toEqual([
      'entry 3 differs from the entry received under that number (view_chain.altered)',
      'entry 4 does not follow entry 3 as received: the chain was rebuilt from there (view_chain.fork)',
      expect.stringMatching(/^the head reported for entry 3 differs from the one reported at .* \(view_chain\.fork\)$/),
    ]);
  });

  it('flags a chain rebuilt after its head was reported, even under a newer head signed over the rebuilt chain', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 3);
    expect((await push(desk.session, { views: [desk.at(1).view], viewHead: desk.head() })).status).toBe(200);
    // entry 2 rewritten and the chain rebuilt from it up to a new entry 4: consistent in itself, signed by the desk
    const rebuilt = new DeskChain(desk.session);
    rebuilt.entries.push(desk.at(1), desk.make(h.customer(1).customer.id, { seq: 2, prev: desk.at(1).hash }));
    rebuilt.add(customerId, 2);
    expect(rebuilt.entries.map((e) => e.view.chain!.seq)).toEqual([1, 2, 3, 4]);
    expect((await push(desk.session, { viewHead: rebuilt.head() })).status).toBe(200);
    expect((await push(desk.session, { views: rebuilt.entries.slice(1).map((e) => e.view), viewHead: rebuilt.head() })).status).toBe(200);
    expect(await faults(desk.session)).toEqual([expect.stringMatching(/^entry 3 is not the one the head reported at .* signs \(view_chain\.altered\)$/)]);
  });

  it('flags reads sent outside the chain by a desk that keeps one (posing as an older CareDesk), and not those of a desk that never had one', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 2);
    expect((await push(desk.session, { views: [desk.at(1).view], viewHead: desk.head() })).status).toBe(200);
    const { chain: _dropped, ...bare } = desk.at(2).view;
    expect((await push(desk.session, { views: [bare] })).status).toBe(200);
    expect(await faults(desk.session)).toEqual(['1 read came without a place in the chain this desk keeps (view_chain.unchained)']);
    const older = await h.session('care_rep');
    expect((await h.push(older, [], { views: [{ ...bare, id: randomUUID() }], protocol: 7 })).status).toBe(200);
    expect(await faults(older)).toEqual([]);
  });

  it('flags an old head sent again (a replay) and keeps the newer one', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 4);
    const old = desk.head(2);
    expect((await push(desk.session, { views: [desk.at(1).view, desk.at(2).view], viewHead: old })).status).toBe(200);
    expect((await push(desk.session, { views: [desk.at(3).view, desk.at(4).view], viewHead: desk.head() })).status).toBe(200);
    expect((await pull(desk.session, viewHeadHeader({ clientId: desk.session.clientId, head: old }))).status).toBe(200);
    expect(await faults(desk.session)).toEqual([expect.stringMatching(/^the head reported \(entry 2\) is older than the head reported at .* \(entry 4\) \(view_chain\.replay\)$/)]);
    const row = await h.store.db.selectFrom('view_chains').select(['reported_seq', 'received_seq']).where('client_id', '=', desk.session.clientId).executeTakeFirstOrThrow();
    expect([Number(row.reported_seq), Number(row.received_seq)]).toEqual([4, 4]);
  });

  it("flags a head signed by another desk's key, and does not keep it", async () => {
    const other = await h.enrol('another desk');
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 2);
    const forged = new DeskChain(desk.session, other);
    forged.entries.push(...desk.entries);
    expect((await push(desk.session, { views: desk.entries.map((e) => e.view), viewHead: forged.head() })).status).toBe(200);
    expect(await faults(desk.session)).toEqual(["the head reported (entry 2) is not signed by this desk's device key (view_chain.signature)"]);
    // a signature that is base64 but no signature at all is the same fault, not a crash
    expect((await push(desk.session, { viewHead: { ...desk.head(), signature: 'AAAA' } })).status).toBe(200);
    expect(await faults(desk.session)).toHaveLength(2);
    const row = await h.store.db.selectFrom('view_chains').select('reported_seq').where('client_id', '=', desk.session.clientId).executeTakeFirstOrThrow();
    expect(row.reported_seq).toBeNull();
  });

  it('flags absurd numbers within the schema, and refuses the rest whole, naming the field and the rule', async () => {
    const desk = new DeskChain(await h.session('care_rep')).add(customerId, 2);
    expect((await push(desk.session, { views: desk.entries.map((e) => e.view), viewHead: desk.head() })).status).toBe(200);
    // a number far past the last: one fault naming the range, never a loop over it
    const far = desk.make(customerId, { seq: 1_000_000_000 });
    expect((await push(desk.session, { views: [far.view] })).status).toBe(200);
    const farHead = viewHeadSigner({ deviceId: desk.session.device.id, keyPem: desk.session.device.keyPem })(desk.session.clientId, { seq: 999_000_000_000, hash: far.hash });
    expect((await push(desk.session, { viewHead: farHead })).status).toBe(200);
    expect(await faults(desk.session)).toEqual([
      'entries 3 to 999999999 are missing (view_chain.gap)',
      'the head reported (entry 999000000000) is more than 1,000,000 entries past the last one received (1000000000) (view_chain.implausible)',
    ]);

    const refused = async (body: Record<string, unknown>, field: string, rule: string) => {
      const res = await push(desk.session, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.issues).toContainEqual(expect.objectContaining({ field, rule }));
    };
    const head = desk.head();
    await refused({ viewHead: { ...head, seq: MAX_VIEW_CHAIN_SEQ + 1 } }, 'viewHead.seq', 'max');
    await refused({ viewHead: { ...head, seq: -1 } }, 'viewHead.seq', 'min');
    await refused({ viewHead: { ...head, seq: 2.5 } }, 'viewHead.seq', 'integer');
    await refused({ viewHead: { ...head, hash: 'f'.repeat(63) } }, 'viewHead.hash', 'view_chain.hash');
    await refused({ viewHead: { ...head, signature: 'not base64!' } }, 'viewHead.signature', 'view_chain.signature_format');
    await refused({ viewHead: { ...head, extra: 1 } }, 'viewHead', 'unknown_field');
    await refused({ views: [{ ...desk.at(1).view, chain: { seq: 0, prev: VIEW_CHAIN_GENESIS } }] }, 'views.0.chain.seq', 'min');
    await refused({ views: [{ ...desk.at(1).view, chain: { seq: Number.MAX_SAFE_INTEGER, prev: VIEW_CHAIN_GENESIS } }] }, 'views.0.chain.seq', 'max');
    // a pull's header of another shape: refused, naming the header's part
    for (const [header, field, rule] of [
      ['nonsense', `${VIEW_HEAD_HEADER}.head.seq`, 'required'],
      [`${desk.session.clientId}.-1.${head.hash}.${head.signature}`, `${VIEW_HEAD_HEADER}.head.seq`, 'min'],
      [`${desk.session.clientId}.1.5.${head.hash}.${head.signature}`, VIEW_HEAD_HEADER, 'unknown_field'],
      [`${desk.session.clientId}.2.${head.hash}.${head.signature}.x`, VIEW_HEAD_HEADER, 'unknown_field'],
      [`not-a-client.2.${head.hash}.${head.signature}`, `${VIEW_HEAD_HEADER}.clientId`, 'format.uuid'],
    ] as const) {
      const res = await pull(desk.session, header);
      expect(res.status, header).toBe(400);
      expect(res.json.error.issues, header).toContainEqual(expect.objectContaining({ field, rule }));
    }
    // another cache's client id in the header: not this session's to report
    const stranger = await h.session('care_rep');
    expect((await pull(desk.session, viewHeadHeader({ clientId: stranger.clientId, head }))).status).toBe(403);
    // nothing crashed: the desk still pushes and pulls
    expect((await push(desk.session, {})).status).toBe(200);
    expect((await pull(desk.session, viewHeadHeader({ clientId: desk.session.clientId, head: farHead }))).status).toBe(200);
  });
});
