import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, BILLING_ENTITIES, PROTOCOL, SnapshotLine, decodeSnapshotRow, visibleEntities, type PullLine, type Role } from '../../domain';
import { inTransaction } from '../../central/storage/database';
import { writeRecords } from '../../central/storage/recordStore';
import { Harness, type TestSession } from './harness';

/** A record as a desk ends up holding it: the newest version of each key, deletions applied. */
type Held = Map<string, { seq: number; data: Record<string, unknown> | null; customerId: string | null }>;
const keyOf = (entity: string, id: string) => `${entity}/${id}`;

function hold(held: Held, entity: string, id: string, seq: number, data: Record<string, unknown> | null, customerId: string | null): void {
  const kept = held.get(keyOf(entity, id));
  if (!kept || kept.seq <= seq) held.set(keyOf(entity, id), { seq, data, customerId });
}

function live(held: Held): Record<string, { seq: number; data: Record<string, unknown>; customerId: string | null }> {
  return Object.fromEntries([...held].filter(([, r]) => r.data !== null)) as never;
}

describe('the first sync snapshot (protocol 7)', () => {
  let h: Harness;
  const sessions = {} as Record<Role, TestSession>;
  const v = { [PROTOCOL.header]: String(PROTOCOL.version) };

  beforeAll(async () => {
    h = await Harness.start({ customers: 300 });
    for (const role of ['care_rep', 'network_ops', 'billing_clerk', 'supervisor'] as const) sessions[role] = await h.session(role);
  });
  afterAll(() => h.dispose());

  async function pullAll(s: TestSession, held: Held, cursor: number): Promise<number> {
    for (;;) {
      const res = await h.call(s.device.agent, 'GET', `${API.pull}?cursor=${cursor}`, { token: s.token, headers: v });
      expect(res.status).toBe(200);
      const lines = res.text.trim().split('\n').map((l) => JSON.parse(l) as PullLine);
      for (const l of lines) {
        if (l.t === 'put') hold(held, l.entity, l.id, l.seq, l.data, l.customerId ?? (l.entity === 'customer' ? l.id : null));
        if (l.t === 'del') hold(held, l.entity, l.id, l.seq, null, null);
      }
      const end = lines.at(-1) as Extract<PullLine, { t: 'end' }>;
      cursor = end.cursor;
      if (!end.more) return cursor;
    }
  }

  /** One snapshot response: its head, its rows page by page, where it stops. */
  async function snapshotResponse(s: TestSession, query: string) {
    const res = await h.call(s.device.agent, 'GET', `${API.snapshot}?${query}`, { token: s.token, headers: v });
    expect(res.status, res.text).toBe(200);
    const text = res.text.trim().split('\n');
    const head = SnapshotLine.parse(JSON.parse(text[0]!)) as Extract<SnapshotLine, { t: 'snapshot' }>;
    const pages: { rows: ReturnType<typeof decodeSnapshotRow>[]; next: string | null }[] = [];
    let rows: ReturnType<typeof decodeSnapshotRow>[] = [];
    let done = false;
    for (const line of text.slice(1)) {
      if (line.startsWith('[')) rows.push(decodeSnapshotRow(line));
      else {
        const parsed = SnapshotLine.parse(JSON.parse(line));
        if (parsed.t === 'page') {
          pages.push({ rows, next: parsed.next });
          rows = [];
        } else if (parsed.t === 'end') done = parsed.done;
      }
    }
    return { head, pages, done };
  }

  /** A whole snapshot, response after response, calling `between` after the first. */
  async function snapshotAll(s: TestSession, held: Held, options: { page?: number; limit?: number; between?: () => Promise<void> } = {}) {
    let at: number | undefined;
    let after: string | null = null;
    let responses = 0;
    const rowsPerCustomer: number[] = [];
    for (;;) {
      const query = new URLSearchParams();
      if (at !== undefined) query.set('at', String(at));
      if (after) query.set('after', after);
      if (options.page) query.set('page', String(options.page));
      if (options.limit) query.set('limit', String(options.limit));
      const { head, pages, done } = await snapshotResponse(s, query.toString());
      if (at !== undefined) expect(head.at).toBe(at);
      at = head.at;
      responses++;
      for (const page of pages) {
        for (const row of page.rows) {
          if (row[0]!.customerId) rowsPerCustomer.push(row.length);
          for (const r of row) hold(held, r.entity, r.id, r.seq, r.data, r.customerId);
        }
        if (page.next) after = page.next;
      }
      if (responses === 1) await options.between?.();
      if (done) return { at: at!, responses, rowsPerCustomer };
    }
  }

  it.each(['care_rep', 'network_ops', 'billing_clerk', 'supervisor'] as const)('with a pull from its head, gives a %s exactly what pulling the whole log gives', async (role) => {
    const s = sessions[role];
    const whole: Held = new Map();
    await pullAll(s, whole, 0);
    const billingReads = async () => Number((await h.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'billing.read').where('user_id', '=', s.user.id).executeTakeFirstOrThrow()).n);
    const readsBefore = await billingReads();
    const snap: Held = new Map();
    const { at, responses, rowsPerCustomer } = await snapshotAll(s, snap, { page: 40, limit: 200 });
    // every response that carried billing records is a billing read in the audit log (PCI DSS 10.2.1.1)
    const readsAfter = await billingReads();
    if (BILLING_ENTITIES.some((entity) => visibleEntities(role).includes(entity))) {
      expect(readsAfter).toBeGreaterThan(readsBefore);
      expect(readsAfter).toBeLessThanOrEqual(readsBefore + responses);
    } else expect(readsAfter).toBe(readsBefore);
    expect(responses).toBeGreaterThan(1);
    // one row per customer, its records inside
    expect(rowsPerCustomer.length).toBe(300);
    await pullAll(s, snap, at);
    expect(live(snap)).toEqual(live(whole));
    const entities = new Set([...snap.keys()].map((k) => k.split('/')[0]));
    if (role === 'network_ops') for (const billing of BILLING_ENTITIES) expect(entities.has(billing)).toBe(false);
    if (role === 'billing_clerk') expect(entities.has('billingAccount')).toBe(true);
  });

  it('stays consistent while the store changes under it: what moved on arrives with the pull from its head', async () => {
    const s = sessions.care_rep;
    const customers = await h.store.db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'customer').orderBy('id').execute();
    const [first, last] = [customers[0]!, customers.at(-1)!];
    const lead = await h.store.db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'lead').where('customer_id', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    const inquiry = await h.store.db.selectFrom('records').select(['id', 'data']).where('entity', '=', 'inquiry').where('customer_id', 'is', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const snap: Held = new Map();
    const { at } = await snapshotAll(s, snap, {
      page: 30,
      limit: 100,
      // after the first response: one customer already sent changes, one not yet sent, a lead goes, an inquiry is linked to a customer
      between: async () => {
        const edit = (row: { id: string; data: string | null }, email: string) => ({ ...(JSON.parse(row.data!) as Record<string, unknown>), email });
        await inTransaction(h.store.db, (tx) =>
          writeRecords(
            tx,
            [
              { op: 'update', entity: 'customer', id: first.id, customerId: first.id, data: edit(first, 'first.moved@example.com'), fields: ['email'] },
              { op: 'update', entity: 'customer', id: last.id, customerId: last.id, data: edit(last, 'last.moved@example.com'), fields: ['email'] },
              { op: 'delete', entity: 'lead', id: lead.id, customerId: null, fields: [] },
              { op: 'update', entity: 'inquiry', id: inquiry.id, customerId: first.id, data: { ...(JSON.parse(inquiry.data!) as Record<string, unknown>), customerId: first.id }, fields: ['customerId'] },
            ],
            { at: new Date(), by: null },
          ),
        );
      },
    });
    await pullAll(s, snap, at);
    const whole: Held = new Map();
    await pullAll(s, whole, 0);
    expect(live(snap)).toEqual(live(whole));
    expect(live(snap)[keyOf('customer', first.id)]!.data.email).toBe('first.moved@example.com');
    expect(live(snap)[keyOf('lead', lead.id)]).toBeUndefined();
    expect(live(snap)[keyOf('inquiry', inquiry.id)]!.customerId).toBe(first.id);
  });

  it('is not offered to a desk older than protocol 7, which still pulls the whole log', async () => {
    const s = sessions.care_rep;
    const old = { [PROTOCOL.header]: '6' };
    expect((await h.call(s.device.agent, 'GET', API.snapshot, { token: s.token, headers: old })).status).toBe(404);
    const pulled = await h.call(s.device.agent, 'GET', `${API.pull}?cursor=0`, { token: s.token, headers: old });
    expect(pulled.status).toBe(200);
    expect(pulled.text.split('\n').length).toBeGreaterThan(1000);
  });

  it('refuses a position that is not one, before anything streams', async () => {
    const s = sessions.care_rep;
    for (const after of ['x/1', 'l/noSuchEntity/1', 'c/']) {
      const res = await h.call(s.device.agent, 'GET', `${API.snapshot}?after=${encodeURIComponent(after)}`, { token: s.token, headers: v });
      expect(res.status).toBe(400);
    }
  });
});
