import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralStore, type CentralStore } from '../../central';
import { purgeRetained, scheduleRetentionPurge } from '../../central/erasure/retention';
import { inProcessChangeFeed } from '../../central/sync/changeFeed';
import { API, DEFAULT_LEAD_RETENTION_DAYS, ErasureCertificate, PushResponse, type Mutation } from '../../domain';
import { centralCli } from '../support/cli';
import { Harness, testClock, type TestClock, type TestSession } from './harness';
import { storedBytes } from '../support/storedBytes';

/**
 * The end of retention (issue 11): the billing records an erasure kept at their legal minimum are
 * purged when their `retain_until` passes by the store's clock — at the store's start, then hourly,
 * and by `purge-retained` — and not a moment before, whatever a damaged row or a slow clock says.
 */
const YEAR = 365 * 86_400_000;
const DAY = 86_400_000;
/** the test clock moved to a given time */
const setClock = (clock: TestClock, ms: number) => clock.advance(ms - clock().getTime());

/** Files an erasure request for the i-th demo customer on a verified call and has a supervisor approve it, at the store's clock. */
async function erase(h: Harness, i: number): Promise<string> {
  // sessions made now: the store's clock moves years between erasures, and a session does not last that long
  const rep: TestSession = await h.session('care_rep');
  const supervisor: TestSession = await h.session('supervisor');
  const { customer, secrets } = h.customer(i);
  const verificationId = (await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verificationId as string;
  const request: Mutation = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: customer.id, reason: 'Caller wants every trace removed' }, { verificationId }), op: 'create' };
  const push = async (s: TestSession, m: Mutation) => PushResponse.parse((await h.push(s, [m])).json).results[0]!;
  expect((await push(rep, request)).status).toBe('applied');
  expect((await push(supervisor, h.mutation(supervisor, h.nextSeq(supervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }))).status).toBe('applied');
  return request.entityId;
}

const kept = async (h: Harness, customerId: string) =>
  (await h.store.db.selectFrom('retained_records').select(['entity', 'id', 'retain_until']).where('customer_id', '=', customerId).orderBy('id').execute());

describe('retained billing records at the end of retention', () => {
  let h: Harness;
  const requests: string[] = [];
  let t0: number;
  beforeAll(async () => {
    h = await Harness.start({ customers: 4 });
    t0 = h.clock().getTime();
    // three erasures two years apart; customer 3 is never erased
    requests.push(await erase(h, 0));
    h.clock.advance(2 * YEAR);
    requests.push(await erase(h, 1));
    h.clock.advance(2 * YEAR);
    requests.push(await erase(h, 2));
  });
  afterAll(async () => {
    await h.dispose().catch(() => undefined);
    rmSync(h.dataDir, { recursive: true, force: true });
  });

  it('keeps every record while its retention runs, and a clock behind the store’s purges nothing', async () => {
    const before = await kept(h, h.customer(0).customer.id);
    expect(before.map((r) => r.entity)).toEqual(expect.arrayContaining(['billingAccount', 'invoice', 'payment']));
    expect(await purgeRetained({ db: h.store.db, clock: h.clock })).toEqual({ purged: 0, requests: [], unreadable: [] });
    // a clock set back (a wrong time zone, a dead RTC battery) is before every retain-until
    expect((await purgeRetained({ db: h.store.db, clock: () => new Date(t0 - YEAR) })).purged).toBe(0);
    await expect(purgeRetained({ db: h.store.db, clock: () => new Date(NaN) })).rejects.toThrow('no valid time');
    expect(await kept(h, h.customer(0).customer.id)).toEqual(before);
    expect(await h.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'erasure.retention_purged').execute()).toEqual([]);
  });

  it('purges the records whose retain-until has passed, keeps the others, and leaves none of their bytes in the file', async () => {
    const [first, second] = [h.customer(0), h.customer(1)];
    const firstRows = await kept(h, first.customer.id);
    // one day past the first erasure's seven years: the others have two and four years to go
    setClock(h.clock, t0 + 7 * YEAR + 2 * DAY);
    expect((await storedBytes(h.store)).includes(Buffer.from(first.invoices[0]!.number))).toBe(true); // the scan finds what is there
    const result = await purgeRetained({ db: h.store.db, clock: h.clock });
    expect(result).toEqual({ purged: firstRows.length, requests: [requests[0]], unreadable: [] });
    expect(await kept(h, first.customer.id)).toEqual([]);
    expect((await kept(h, second.customer.id)).length).toBeGreaterThan(0);
    expect((await kept(h, h.customer(2).customer.id)).length).toBeGreaterThan(0);

    const bytes = await storedBytes(h.store);
    expect(first.invoices.filter((inv) => bytes.includes(Buffer.from(inv.number)))).toEqual([]);
    expect(bytes.includes(Buffer.from(second.invoices[0]!.number))).toBe(true);
  });

  it('writes one audit row with counts and ids, never a value', async () => {
    const first = h.customer(0);
    const rows = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'erasure.retention_purged').execute();
    expect(rows).toEqual([expect.objectContaining({ outcome: 'ok', entity: 'erasureRequest', entity_id: requests[0], user_id: null, customer_id: null })]);
    const row = rows[0]!;
    expect(JSON.parse(row.fields)).toEqual(expect.arrayContaining(['billingAccount', 'invoice', 'payment']));
    expect(row.detail).toMatch(new RegExp(`^\\d+ retained records purged at the end of retention \\(billingAccount 1, .*invoice ${first.invoices.length}.*\\) from 1 erasure\\(s\\): ${requests[0]}$`));
    const values = [first.invoices[0]!.number, first.customer.email, first.customer.lastName];
    expect(values.filter((v) => JSON.stringify(row).includes(v))).toEqual([]);
    expect((await h.store.admin.verifyAudit()).ok).toBe(true);
  });

  it('leaves the erasure’s certificate readable, with the retain-until of each record it kept', async () => {
    const compliance = await h.session('compliance');
    const res = await h.call(compliance.device.agent, 'GET', API.erasureCertificate(requests[0]!), { token: compliance.token });
    expect(res.status, res.text).toBe(200);
    const certificate = ErasureCertificate.parse(res.json);
    expect(certificate.retained.length).toBeGreaterThan(0);
    expect(certificate.retained.every((r) => r.retainUntil !== null && Date.parse(r.retainUntil) <= h.clock().getTime())).toBe(true);
  });

  it('never purges a record whose retain-until it cannot read, and names it', async () => {
    const rows = await kept(h, h.customer(1).customer.id);
    // each of these would sort before "now" as text, or is no time at all
    const damaged = ['', '+010000-01-01T00:00:00.000Z', 'soon'];
    for (const [i, value] of damaged.entries()) await h.store.db.updateTable('retained_records').set({ retain_until: value }).where('id', '=', rows[i]!.id).where('entity', '=', rows[i]!.entity).execute();
    const result = await purgeRetained({ db: h.store.db, clock: h.clock });
    expect(result.purged).toBe(0);
    expect(result.unreadable).toEqual(expect.arrayContaining(rows.slice(0, 3).map((r) => ({ entity: r.entity, id: r.id }))));
    expect(await kept(h, h.customer(1).customer.id)).toHaveLength(rows.length);
    for (const row of rows.slice(0, 3)) await h.store.db.updateTable('retained_records').set({ retain_until: row.retain_until }).where('id', '=', row.id).where('entity', '=', row.entity).execute();
  });

  it('is run by the serving store at an interval', async () => {
    const clock = testClock();
    setClock(clock, h.clock().getTime());
    const reports: string[] = [];
    const schedule = await scheduleRetentionPurge({ db: h.store.db, clock, feed: inProcessChangeFeed(), leadRetentionDays: DEFAULT_LEAD_RETENTION_DAYS }, { intervalMs: 20, report: (m) => reports.push(m) });
    try {
      expect((await kept(h, h.customer(1).customer.id)).length).toBeGreaterThan(0);
      setClock(clock, t0 + 9 * YEAR + 3 * DAY);
      await expect.poll(async () => (await kept(h, h.customer(1).customer.id)).length, { timeout: 5000 }).toBe(0);
      expect((await kept(h, h.customer(2).customer.id)).length).toBeGreaterThan(0);
    } finally {
      await schedule.stop();
    }
    expect(reports).toEqual([]);
  });

  it('is run by the central store when it starts, before it serves', async () => {
    await h.store.close();
    const clock = testClock();
    setClock(clock, t0 + 11 * YEAR + 4 * DAY);
    let store: CentralStore | null = null;
    try {
      store = await startCentralStore({ dataDir: h.dataDir, port: 0, clock });
      expect(await store.db.selectFrom('retained_records').select('id').execute()).toEqual([]);
      const audit = await store.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'erasure.retention_purged').orderBy('seq').execute();
      expect(audit.map((r) => r.entity_id)).toEqual(requests);
    } finally {
      await store?.close();
    }
  });
});

describe('purge-retained on the command line', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    // an erasure eight years ago: its records' retention ended a year ago by the real clock the command uses
    h.clock.advance(-8 * YEAR);
    await erase(h, 0);
    // and one six years ago, whose retention still runs for a year
    h.clock.advance(2 * YEAR);
    await erase(h, 1);
  });
  afterAll(() => h.dispose());

  it('purges what is past its retention while the store serves, says how many, and a second run finds nothing', async () => {
    const due = (await kept(h, h.customer(0).customer.id)).length;
    expect(due).toBeGreaterThan(0);
    const run = await centralCli(h.dataDir, 'purge-retained');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`purged ${due} retained record(s) whose retention ended, from 1 erasure(s)`);
    expect(await kept(h, h.customer(0).customer.id)).toEqual([]);
    expect((await kept(h, h.customer(1).customer.id)).length).toBeGreaterThan(0);
    expect(await h.store.db.selectFrom('audit_log').select('action').where('action', '=', 'erasure.retention_purged').execute()).toHaveLength(1);
    const again = await centralCli(h.dataDir, 'purge-retained');
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining('purged 0 retained record(s)')]);
  });

  it('exits non-zero naming a record whose retain-until is not a time, and keeps it', async () => {
    const [row] = await kept(h, h.customer(1).customer.id);
    await h.store.db.updateTable('retained_records').set({ retain_until: '' }).where('id', '=', row!.id).where('entity', '=', row!.entity).execute();
    const run = await centralCli(h.dataDir, 'purge-retained');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${row!.entity} ${row!.id}`);
    expect((await kept(h, h.customer(1).customer.id)).map((r) => r.id)).toContain(row!.id);
  });
});
