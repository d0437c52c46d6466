import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../domain/console/contract';
import { planSearch } from '../../../domain/search';
import { visibleEntities } from '../../../domain/policy';
import type { EntityName } from '../../../domain/entities';
import { openCache, type WorkstationCache } from '../../../electron/core/cache';
import { createDeviceRequest } from '../../../electron/core/device/identity';
import { CentralClient } from '../../../electron/core/sync/centralClient';
import { SyncEngine } from '../../../electron/core/sync/engine';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { fillDisk } from '../../support/fullDisk';
import { demoCustomer } from '../../../domain/demo/generator';
import { removeTempDirs, tempDir } from './helpers';

/**
 * Pulls from a real central store into the real encrypted cache while its disk fills up (SQLITE_FULL
 * through max_page_count, see test/support/fullDisk.ts), over many small transactions: the status
 * names the cause, the cursor stays with what was written, and the cache opens again with its key
 * and pulls to the end once there is room.
 */
const ROLE = 'care_rep';
let central: TestCentral;
let client: CentralClient;
let token: string;

beforeAll(async () => {
  central = await startTestCentral({ customers: 60, users: { 'rep.full': ROLE } });
  const { csrPem, keyPem } = await createDeviceRequest('full disk desk');
  const anonymous = new CentralClient(central.store.enrolmentUrl, central.store.caPem, null);
  const enrolled = await anonymous.enrol({ code: central.enrolmentCode, deviceName: 'full disk desk', csrPem });
  await anonymous.close();
  client = new CentralClient(central.store.url, central.store.caPem, { certificatePem: enrolled.certificatePem, keyPem });
  const answer = await client.signIn({ username: 'rep.full', password: PASSWORD });
  if ('secondFactor' in answer) throw new Error('a care rep signs in with the password alone');
  token = answer.token;
});

afterAll(async () => {
  await client?.close();
  await central?.dispose();
  removeTempDirs();
});

async function registered(cache: WorkstationCache): Promise<string> {
  const clientId = cache.getMeta('client_id') ?? randomUUID();
  cache.setMeta('client_id', clientId);
  await client.registerClient(token, clientId);
  return clientId;
}

/** A sync engine over small pull responses and transactions; it does not retry on its own during a test. */
async function engineFor(cache: WorkstationCache, onStatus: (status: SyncStatus) => void = () => undefined): Promise<SyncEngine> {
  return new SyncEngine({
    cache,
    client,
    role: ROLE,
    clientId: await registered(cache),
    token: () => token,
    clock: () => new Date(),
    onStatus,
    onRecordsChanged: () => undefined,
    onRevoked: () => undefined,
    onSignInNeeded: () => undefined,
    retry: { baseMs: 600_000, maxMs: 600_000 },
    pullLimit: 100,
    batchSize: 30,
    // the change log's cursor mid-first-sync is what this file follows; the snapshot's pages are written by the same transaction (snapshotFaults)
    firstSyncBy: 'pull',
  });
}

/** The rep's records in the central store's change log, newest version of each. */
async function serverRecords(): Promise<{ entity: EntityName; id: string; seq: number }[]> {
  const rows = await central.store.db
    .selectFrom('records')
    .select(['entity', 'id', 'seq'])
    .where('entity', 'in', visibleEntities(ROLE))
    .where('data', 'is not', null)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ entity: r.entity as EntityName, id: r.id, seq: Number(r.seq) }));
}

/** What a clean cache holds after a whole pull with room to spare: the server's records as this role sees them. */
async function reference(): Promise<WorkstationCache> {
  const cache = openCache({ file: join(tempDir(), 'reference.db'), key: randomBytes(32) });
  const engine = await engineFor(cache);
  await engine.syncNow();
  expect(engine.status().error).toBeNull();
  await engine.stop();
  return cache;
}

/** Every server record up to `cursor` is in `cache` as in the reference, and none after it. */
async function expectWrittenUpTo(cache: WorkstationCache, cursor: number, ref: WorkstationCache): Promise<void> {
  const records = await serverRecords();
  const upTo = records.filter((r) => r.seq <= cursor);
  const after = records.filter((r) => r.seq > cursor);
  expect(upTo.map((r) => cache.storedRecord(r.entity, r.id))).toEqual(upTo.map((r) => ref.storedRecord(r.entity, r.id)));
  expect(after.map((r) => cache.storedRecord(r.entity, r.id)).filter((stored) => stored !== null)).toEqual([]);
}

function fillAfterFirstWrite(cache: () => WorkstationCache): { onStatus: (s: SyncStatus) => void; filled: () => boolean } {
  let filled = false;
  return {
    filled: () => filled,
    onStatus: (s) => {
      if (!filled && (s.progress?.received ?? 0) > 0) {
        fillDisk(cache());
        filled = true;
      }
    },
  };
}

describe('a pull that meets a full disk', () => {
  it('a first pull: names the disk in the status, keeps what was written, and opens and finishes once there is room', async () => {
    const file = join(tempDir(), 'cache.db');
    const key = randomBytes(32);
    let cache = openCache({ file, key });
    const fill = fillAfterFirstWrite(() => cache);
    const engine = await engineFor(cache, fill.onStatus);
    await engine.syncNow();
    await engine.stop();

    expect(fill.filled()).toBe(true);
    const status = engine.status();
    expect(status.error).toMatch(/disk is full.*nothing saved before was lost/i);
    // a progress bar left over would hide the error in the status bar
    expect(status.progress).toBeNull();
    const records = await serverRecords();
    const cursor = Number(cache.getMeta('cursor'));
    expect(cursor).toBeGreaterThan(0);
    expect(cursor).toBeLessThan(records.at(-1)!.seq);
    // the indexes set aside stay aside: building them needed room too
    expect(cache.isInitialSync()).toBe(true);
    cache.close();

    cache = openCache({ file, key });
    expect(cache.getMeta('cursor')).toBe(String(cursor));
    expect(cache.isInitialSync()).toBe(true);
    const ref = await reference();
    await expectWrittenUpTo(cache, cursor, ref);

    const resumed = await engineFor(cache);
    await resumed.syncNow();
    await resumed.stop();
    expect(resumed.status().error).toBeNull();
    expect(cache.getMeta('cursor')).toBe(ref.getMeta('cursor'));
    await expectWrittenUpTo(cache, Number(cache.getMeta('cursor')), ref);
    // the first sync finished: indexes built, the trigram index rebuilt, back in WAL mode
    expect(cache.isInitialSync()).toBe(false);
    expect(cache.durability().journalMode).toBe('wal');
    for (const i of [0, 59]) {
      const customer = demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 }).customer;
      expect(cache.search(planSearch(customer.phones[0]!.number.slice(-7), 'phone'), 50).map((m) => m.customerId)).toContain(customer.id);
      expect(cache.search(planSearch(customer.accountNumber), 5)).toEqual([{ customerId: customer.id, matchedBy: 'account' }]);
    }
    ref.close();
    cache.close();
  });

  it('an incremental pull: stops at the last transaction written, and resumes to the end after the cache opens again', async () => {
    const file = join(tempDir(), 'cache.db');
    const key = randomBytes(32);
    let cache = openCache({ file, key });
    const first = await engineFor(cache);
    await first.syncNow();
    expect(first.status().error).toBeNull();
    const before = Number(cache.getMeta('cursor'));

    await central.store.admin.seedDemo(40, { seed: DEMO_SEED, historyMonths: 2 });
    const fill = fillAfterFirstWrite(() => cache);
    const engine = await engineFor(cache, fill.onStatus);
    await engine.syncNow();
    await engine.stop();

    expect(fill.filled()).toBe(true);
    expect(engine.status()).toMatchObject({ error: expect.stringMatching(/disk is full/i), progress: null });
    const cursor = Number(cache.getMeta('cursor'));
    expect(cursor).toBeGreaterThan(before);
    expect((await serverRecords()).at(-1)!.seq).toBeGreaterThan(cursor);
    cache.close();

    cache = openCache({ file, key });
    const ref = await reference();
    await expectWrittenUpTo(cache, cursor, ref);
    const resumed = await engineFor(cache);
    await resumed.syncNow();
    await resumed.stop();
    expect(resumed.status().error).toBeNull();
    expect(cache.getMeta('cursor')).toBe(ref.getMeta('cursor'));
    await expectWrittenUpTo(cache, Number(cache.getMeta('cursor')), ref);
    ref.close();
    cache.close();
  });
});
