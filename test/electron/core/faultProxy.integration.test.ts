import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project, visibleEntities, type EntityName } from '../../../domain';
import type { SyncStatus } from '../../../domain/console/contract';
import { demoCustomer } from '../../../domain/demo/generator';
import { liveStreamSilenceMs } from '../../../domain/sync/protocol';
import { changeHead } from '../../../central/storage/changeLog';
import type { SyncTuning } from '../../../electron/core/config';
import { cacheContents } from '../../support/cacheContents';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { FaultProxy } from '../../support/faultProxy';
import { eventually, startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * Issue 9, the broken network: a desk reaches a real central store through a fault proxy that drops
 * a connection mid-stream, resets it, stalls it or drips it. For the first pull, an incremental pull,
 * a push and the live-update stream, under each fault: while a drop, reset or stall is in place the
 * console shows the desk offline and why; once it is lifted every edit queued meanwhile is applied
 * exactly once and the cache holds what the store holds, once each, cursor at the head. A dripping
 * link is slow, not down: the console shows the work going (progress, pending) and it arrives.
 */
const CUSTOMERS = 40;
const HEARTBEAT_MS = 250;
const TUNING: SyncTuning = {
  retry: { baseMs: 100, maxMs: 400 },
  // small batches, so a cut stream has complete batches behind it
  batchSize: 25,
  timeouts: { connectMs: 1_500, headersMs: 1_500, bodyMs: 1_500, pullBodyMs: 1_500, liveSilenceMs: liveStreamSilenceMs(HEARTBEAT_MS) },
};
/** network timeouts longer than any wait of a test: only giving up a stalled request on purpose lets a lock through */
const PATIENT: SyncTuning = { ...TUNING, timeouts: { ...TUNING.timeouts, headersMs: 120_000, bodyMs: 120_000, pullBodyMs: 120_000 } };
/** bytes of a pull the desk gets before the fault hits: past the handshake, well short of the end */
const PULL_CUT = 24 * 1024;
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
let seeded = CUSTOMERS;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  central = await startTestCentral({ customers: CUSTOMERS, users: { 'rep.first': 'care_rep', 'rep.later': 'care_rep', 'rep.push': 'care_rep', 'rep.slow': 'care_rep', 'rep.lock': 'care_rep', 'rep.poke': 'care_rep', 'rep.take': 'care_rep' }, heartbeatMs: HEARTBEAT_MS });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await central?.dispose();
});

interface Desk {
  ws: TestWorkstation;
  proxy: FaultProxy;
  username: string;
  /** every status the console was sent, in order */
  statuses: SyncStatus[];
  status(): Promise<SyncStatus>;
}

/** A desk enrolled through its own fault proxy; signed in (and its first pull done) unless `signIn` is false. */
async function desk(username: string, signIn = true, sync = TUNING): Promise<Desk> {
  const proxy = await FaultProxy.start(central.port);
  const ws = await startWorkstation({ serverUrl: proxy.url(), caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, sync });
  cleanups.push(() => ws.dispose(), () => proxy.close());
  const statuses: SyncStatus[] = [];
  ws.core.events.on((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  const d: Desk = { ws, proxy, username, statuses, status: () => ws.call('sync.status') };
  if (signIn) {
    await ws.call('session.signIn', { username, password: PASSWORD });
    await synced(d);
  }
  return d;
}

/** Waits until the desk is online, has nothing pending and has pulled to the store's head. */
async function synced(d: Desk): Promise<SyncStatus> {
  return eventually(async () => {
    const status = await d.ws.call('sync.now');
    const cursor = Number(d.ws.core.session.unlocked().cache.getMeta('cursor'));
    return status.online && status.pending === 0 && status.error === null && cursor === (await changeHead(central.store.db)) ? status : null;
  }, 20_000, `${d.username} synced`);
}

/** The console, while the fault holds: offline, saying why. */
function waitingOffline(d: Desk, message = /cannot be reached|stream|cut short/): Promise<SyncStatus> {
  return eventually(() => d.statuses.find((s) => !s.online && s.error !== null && message.test(s.error)), 15_000, `${d.username} shown offline (${message})`);
}

/** The cache holds exactly the store's records as the role sees them, once each, and the cursor is at the head. */
async function expectCacheIsCentral(d: Desk): Promise<void> {
  const role = d.ws.core.session.unlocked().user.role;
  const rows = await central.store.db.selectFrom('records').select(['entity', 'id', 'data']).where('entity', 'in', visibleEntities(role)).where('data', 'is not', null).execute();
  const expected: Record<string, unknown> = {};
  for (const row of rows) {
    const data = project(row.entity as EntityName, JSON.parse(String(row.data)) as Record<string, unknown>, role);
    if (data) expected[`${row.entity}/${row.id}`] = data;
  }
  const cached = (await cacheContents(d.ws, d.username)).records;
  const keys = cached.map((r) => `${r.entity}/${r.id}`);
  expect(new Set(keys).size, 'no record twice in the cache').toBe(keys.length);
  expect(Object.fromEntries(cached.map((r) => [`${r.entity}/${r.id}`, r.data]))).toEqual(expected);
  expect(Number(d.ws.core.session.unlocked().cache.getMeta('cursor'))).toBe(await changeHead(central.store.db));
}

/** Locks the desk while its sync is stalled: the lock must return with the line still stalled. */
async function lockWhileStalled(d: Desk): Promise<void> {
  await eventually(() => d.proxy.tally.stalled > 0, 15_000, 'the sync stalled');
  const locking = d.ws.call('session.lock');
  const outcome = await Promise.race([locking.then(() => 'locked'), new Promise((r) => setTimeout(r, 15_000, 'still waiting on the stalled sync'))]);
  expect(outcome).toBe('locked');
  expect((await d.ws.call('session.status')).state).toBe('locked');
}

const auditMark = async () => Number((await central.store.db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq);

/** The pulls the store served this user since `mark`, as its audit rows tell them. */
async function pullsSince(mark: number, username: string): Promise<string[]> {
  const user = await central.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const rows = await central.store.db.selectFrom('audit_log').select('detail').where('seq', '>', mark).where('action', '=', 'sync.pull').where('user_id', '=', user.id).orderBy('seq').execute();
  return rows.map((r) => String(r.detail));
}

/**
 * A pull resumed from a cursor past where the cut one started: the batches that arrived whole were
 * kept. (The store may log the cut pull as complete: it wrote everything into the socket.)
 */
function expectResumedPastCut(pulls: string[], from: number): void {
  const completed = pulls.filter((p) => p.startsWith('rows')).map((p) => Number(/cursor (\d+) to/.exec(p)![1]));
  expect(Math.max(...completed), `a pull resumed past the cut: ${pulls.join('; ')}`).toBeGreaterThan(from);
}

const updatesOf = async (customerId: string) =>
  (await central.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'record.update').where('entity_id', '=', customerId).where('outcome', '=', 'ok').execute()).length;
const emailOf = async (customerId: string) =>
  (JSON.parse(String((await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customerId).executeTakeFirstOrThrow()).data)) as { email: string }).email;

/** An email change to make: the caller verified (online, before any fault), the store's update count noted. */
interface Edit {
  id: string;
  email: string;
  before: number;
}
let nextCustomer = 1;
async function editToMake(d: Desk): Promise<Edit> {
  const { customer, secrets } = demo(nextCustomer++);
  expect((await d.ws.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin })).verified).toBe(true);
  return { id: customer.id, email: `fault.${randomUUID().slice(0, 8)}@example.org`, before: await updatesOf(customer.id) };
}
const queue = (d: Desk, edit: Edit, reason = 'caller asked, on a bad line') => d.ws.call('records.change', { operation: 'customer.editContact', id: edit.id, values: { email: edit.email }, reason });

/** Each edit is in the store, and the store applied it once (one audit row). */
async function expectAppliedOnce(edits: Edit[]): Promise<void> {
  for (const edit of edits) {
    expect(await emailOf(edit.id)).toBe(edit.email);
    expect((await updatesOf(edit.id)) - edit.before, `updates of ${edit.id}`).toBe(1);
  }
}

/** New customers in the store while the desk is connected: what an incremental pull or a poke brings. */
async function moreCustomers(count: number): Promise<void> {
  await central.store.admin.seedDemo(count, { seed: DEMO_SEED, historyMonths: 2 });
  seeded += count;
}

describe('the first pull', () => {
  async function firstPullUnder(fault: (proxy: FaultProxy) => void, heal: (d: Desk) => Promise<void>): Promise<{ d: Desk; pulls: string[] }> {
    const d = await desk('rep.first', false);
    const mark = await auditMark();
    fault(d.proxy);
    await d.ws.call('session.signIn', { username: 'rep.first', password: PASSWORD });
    await heal(d);
    d.proxy.heal();
    await synced(d);
    await expectCacheIsCentral(d);
    return { d, pulls: await pullsSince(mark, 'rep.first') };
  }

  it('resumes from the last complete batch when the stream is dropped mid-way', async () => {
    const { pulls } = await firstPullUnder(
      (proxy) => proxy.dropAfterBytes(PULL_CUT),
      async (d) => {
        await waitingOffline(d);
        expect(d.proxy.tally.dropped).toBeGreaterThan(0);
      },
    );
    expectResumedPastCut(pulls, 0);
  });

  it('resumes from the last complete batch when the connection is reset mid-way', async () => {
    const { pulls } = await firstPullUnder(
      (proxy) => proxy.resetAfterBytes(PULL_CUT),
      async (d) => {
        await waitingOffline(d);
        expect(d.proxy.tally.reset).toBeGreaterThan(0);
      },
    );
    expectResumedPastCut(pulls, 0);
  });

  it('gives up on a stalled stream, shows the desk offline while it stalls, and resumes', async () => {
    const { pulls } = await firstPullUnder(
      (proxy) => proxy.stall(PULL_CUT),
      async (d) => {
        await waitingOffline(d);
        const now = await d.status();
        expect(now).toMatchObject({ online: false, error: expect.stringMatching(/reach|stream/) });
      },
    );
    expectResumedPastCut(pulls, 0);
  });

  it('does not hold up a lock while it is stalled, and resumes after the unlock', async () => {
    const d = await desk('rep.first', false, PATIENT);
    d.proxy.stall(PULL_CUT);
    await d.ws.call('session.signIn', { username: 'rep.first', password: PASSWORD });
    await lockWhileStalled(d);
    d.proxy.heal();
    await d.ws.call('session.unlock', { password: PASSWORD });
    await synced(d);
    await expectCacheIsCentral(d);
  });

  it('arrives whole over a dripping link, with the progress bar moving', async () => {
    await firstPullUnder(
      (proxy) => proxy.drip(96 * 1024),
      async (d) => {
        const partway = await eventually(() => d.statuses.find((s) => s.progress && s.progress.received > 0 && s.progress.received < s.progress.total), 15_000, 'progress shown');
        expect(partway.error).toBeNull();
      },
    );
  });
});

describe('an incremental pull', () => {
  let d: Desk;
  beforeAll(async () => {
    d = await desk('rep.later');
  });

  async function incrementalPullUnder(fault: (proxy: FaultProxy) => void, heal: () => Promise<void>): Promise<{ pulls: string[]; from: number }> {
    const from = Number(d.ws.core.session.unlocked().cache.getMeta('cursor'));
    const mark = await auditMark();
    const edit = await editToMake(d);
    d.statuses.length = 0;
    fault(d.proxy);
    await moreCustomers(30);
    // the edit starts a sync: its push, then the pull the fault meets
    await queue(d, edit);
    await heal();
    d.proxy.heal();
    await synced(d);
    await expectAppliedOnce([edit]);
    await expectCacheIsCentral(d);
    expect((await d.ws.call('customers.search', { query: demo(seeded - 1).customer.accountNumber })).hits.length).toBe(1);
    return { pulls: await pullsSince(mark, 'rep.later'), from };
  }

  it('resumes from the last complete batch when the stream is dropped mid-way', async () => {
    const { pulls, from } = await incrementalPullUnder(
      (proxy) => proxy.dropAfterBytes(PULL_CUT),
      () => waitingOffline(d).then(() => undefined),
    );
    expectResumedPastCut(pulls, from);
  });

  it('resumes from the last complete batch when the connection is reset mid-way', async () => {
    const { pulls, from } = await incrementalPullUnder(
      (proxy) => proxy.resetAfterBytes(PULL_CUT),
      () => waitingOffline(d).then(() => undefined),
    );
    expectResumedPastCut(pulls, from);
  });

  it('gives up on a stalled stream and resumes once it flows again', async () => {
    const { pulls, from } = await incrementalPullUnder(
      (proxy) => proxy.stall(PULL_CUT),
      async () => {
        await waitingOffline(d);
        expect((await d.status()).online).toBe(false);
      },
    );
    expectResumedPastCut(pulls, from);
  });

  it('arrives whole over a dripping link, with the progress bar moving', async () => {
    await incrementalPullUnder(
      (proxy) => proxy.drip(64 * 1024),
      async () => {
        await eventually(() => d.statuses.find((s) => s.progress && s.progress.received > 0 && s.progress.received < s.progress.total), 15_000, 'progress shown');
      },
    );
  });
});

describe('a push', () => {
  let rep: Desk;
  beforeAll(async () => {
    rep = await desk('rep.push');
  });

  /** Edits queued under the fault (three unless told): each applied exactly once on the store once it is lifted. */
  async function pushUnder(
    d: Desk,
    fault: (proxy: FaultProxy) => void,
    during: (edits: Edit[]) => Promise<void>,
    { count = 3, reason = 'caller asked, on a bad line' } = {},
  ): Promise<void> {
    const edits: Edit[] = [];
    for (let j = 0; j < count; j++) edits.push(await editToMake(d));
    d.statuses.length = 0;
    fault(d.proxy);
    for (const edit of edits) await queue(d, edit, reason);
    await during(edits);
    d.proxy.heal();
    expect(await synced(d)).toMatchObject({ pending: 0, rejected: 0, conflicts: 0, held: 0 });
    await expectAppliedOnce(edits);
    await expectCacheIsCentral(d);
  }

  it('is applied once when the answer is lost after the store applied it', async () => {
    await pushUnder(
      rep,
      (proxy) => proxy.dropAfterBytes(1, 'down'),
      async ([first]) => {
        await eventually(async () => (await emailOf(first!.id)) === first!.email, 15_000, 'the store applied the first edit');
        await waitingOffline(rep);
        expect((await rep.status()).pending).toBe(3);
      },
    );
  });

  it('is sent again whole when the request is reset mid-way', async () => {
    await pushUnder(
      rep,
      (proxy) => proxy.resetAfterBytes(200, 'up'),
      async ([first]) => {
        await waitingOffline(rep);
        expect(rep.proxy.tally.reset).toBeGreaterThan(0);
        expect(await updatesOf(first!.id)).toBe(first!.before);
        expect((await rep.status()).pending).toBe(3);
      },
    );
  });

  it('gives up on a stalled connection, shows the desk offline with its edits pending, and sends them after', async () => {
    await pushUnder(
      rep,
      (proxy) => proxy.stall(),
      async () => {
        // the push itself gives up (the live stream notices the silence too, and sooner)
        await waitingOffline(rep, /cannot be reached/);
        expect(await rep.status()).toMatchObject({ online: false, pending: 3, error: expect.stringMatching(/reach|stream/) });
      },
    );
  });

  it('gets a backlog through a link too slow to carry it in one push within the timeout', async () => {
    // the handshake of a new connection gets time; a push must be answered within a second
    const slow = await desk('rep.slow', true, { ...TUNING, timeouts: { ...TUNING.timeouts, connectMs: 5_000, headersMs: 1_000 } });
    await pushUnder(
      slow,
      (proxy) => proxy.drip(3 * 1024),
      async () => {
        await eventually(async () => (await slow.status()).pending === 0, 30_000, 'the backlog pushed while dripping');
        expect(slow.statuses.some((s) => s.error?.includes('cannot be reached')), 'a push timed out on the way').toBe(true);
      },
      // a long reason makes each edit about a kilobyte: one fits in the timeout, three do not
      { count: 6, reason: `caller asked; ${'details of the call '.repeat(24)}`.slice(0, 500) },
    );
  });

  it('does not hold up a lock while a push is stalled, and sends the edit after the unlock', async () => {
    const patient = await desk('rep.lock', true, PATIENT);
    const edit = await editToMake(patient);
    // the first byte the desk sends holds its connection: the push, as it starts
    patient.proxy.stall(1, 'up');
    await queue(patient, edit);
    await lockWhileStalled(patient);
    patient.proxy.heal();
    await patient.ws.call('session.unlock', { password: PASSWORD });
    expect(await synced(patient)).toMatchObject({ pending: 0, rejected: 0, conflicts: 0 });
    await expectAppliedOnce([edit]);
    await expectCacheIsCentral(patient);
  });

  it('gets through a dripping link', async () => {
    await pushUnder(
      rep,
      (proxy) => proxy.drip(2 * 1024),
      async (edits) => {
        expect((await rep.status()).pending).toBe(3);
        await eventually(async () => (await rep.status()).pending === 0, 20_000, 'pushed while dripping');
        for (const edit of edits) expect(await emailOf(edit.id)).toBe(edit.email);
      },
    );
  });
});

describe('the live-update stream', () => {
  let d: Desk;
  beforeAll(async () => {
    d = await desk('rep.poke');
  });

  /** A change made at the store while the fault holds reaches the cache through the stream alone (no one asks for a sync). */
  async function pokeUnder(fault: (proxy: FaultProxy) => void, during: () => Promise<void>): Promise<void> {
    d.statuses.length = 0;
    fault(d.proxy);
    await during();
    await moreCustomers(2);
    d.proxy.heal();
    const head = await changeHead(central.store.db);
    await eventually(() => d.statuses.some((s) => s.online && s.error === null) && Number(d.ws.core.session.unlocked().cache.getMeta('cursor')) === head, 15_000, 'caught up after the fault');
    await expectCacheIsCentral(d);
    expect((await d.ws.call('customers.search', { query: demo(seeded - 1).customer.accountNumber })).hits.length).toBe(1);
  }

  it('reconnects after a drop and pulls what it missed', async () => {
    await pokeUnder(
      (proxy) => proxy.dropAfterBytes(1),
      async () => {
        await waitingOffline(d);
        expect(d.proxy.tally.dropped).toBeGreaterThan(0);
      },
    );
  });

  it('reconnects after a reset and pulls what it missed', async () => {
    await pokeUnder(
      (proxy) => proxy.resetAfterBytes(1),
      async () => {
        await waitingOffline(d);
        expect(d.proxy.tally.reset).toBeGreaterThan(0);
      },
    );
  });

  it('takes a silent stream for a dropped one, shows the desk offline, and reconnects once it flows', async () => {
    await pokeUnder(
      (proxy) => proxy.stall(),
      async () => {
        await waitingOffline(d, /went silent/);
        expect((await d.status()).online).toBe(false);
      },
    );
  });

  it('stays online over a dripping link and still brings the change', async () => {
    d.statuses.length = 0;
    d.proxy.drip(4 * 1024);
    await moreCustomers(1);
    const head = await changeHead(central.store.db);
    await eventually(() => Number(d.ws.core.session.unlocked().cache.getMeta('cursor')) === head, 15_000, 'the change pulled while dripping');
    expect(d.statuses.filter((s) => !s.online)).toEqual([]);
    d.proxy.heal();
    await expectCacheIsCentral(d);
  });
});

describe('taking back a change (issue 13: the queued-edits list discards)', () => {
  let d: Desk;
  beforeAll(async () => {
    d = await desk('rep.take');
  });
  const listed = async (customerId: string) => (await d.ws.call('changes.list')).find((c) => c.entityId === customerId);

  it('discards an edit the store never saw, and the next one arrives with no gap in the sequence', async () => {
    const [mistake, kept] = [await editToMake(d), await editToMake(d)];
    const before = await emailOf(mistake.id);
    d.statuses.length = 0;
    // the line is down before the edits are made (a request written to a connection that was dropped
    // at that moment may have gone out, and such an edit stays until the store answers: see below)
    d.proxy.cut();
    await waitingOffline(d);
    const refused = d.proxy.tally.refused;
    await queue(d, mistake, 'typed into the wrong caller');
    await queue(d, kept);
    // the desk tried to send both while the line was down: a push that never connected sent nothing
    await eventually(() => d.proxy.tally.refused > refused, 15_000, 'a push tried');
    expect(await listed(mistake.id)).toMatchObject({ status: 'pending', discardable: true });

    await d.ws.call('changes.discard', { mutationId: (await listed(mistake.id))!.mutationId });
    // the status bar hears the new count at once, not at the next sync attempt
    expect(d.statuses.at(-1)?.pending).toBe(1);
    expect(await listed(mistake.id)).toBeUndefined();
    expect((await d.ws.call('customers.open', { customerId: mistake.id })).customer.email).toBe(before);
    expect((await d.status()).pending).toBe(1);

    d.proxy.heal();
    expect(await synced(d)).toMatchObject({ pending: 0, rejected: 0, conflicts: 0 });
    await expectAppliedOnce([kept]);
    expect(await emailOf(mistake.id)).toBe(before);
    expect(await updatesOf(mistake.id)).toBe(mistake.before);
    // and the sequence goes on: a later edit is applied too
    const later = await editToMake(d);
    await queue(d, later);
    await synced(d);
    await expectAppliedOnce([later]);
  });

  it('refuses to discard what is not waiting: an unknown id', async () => {
    await expect(d.ws.call('changes.discard', { mutationId: randomUUID() })).rejects.toThrow(/no change waiting to send/);
  });
});
