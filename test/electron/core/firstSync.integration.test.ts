import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleEntities } from '../../../domain/policy';
import type { SyncStatus } from '../../../domain/console/contract';
import { demoCustomer } from '../../../domain/demo/generator';
import { openCache } from '../../../electron/core/cache';
import { createDeviceRequest } from '../../../electron/core/device/identity';
import { CentralClient } from '../../../electron/core/sync/centralClient';
import { SyncEngine } from '../../../electron/core/sync/engine';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';

/** A first sync that arrives in many pull responses, as a million-record one does. */
let central: TestCentral;
let client: CentralClient;
let token: string;
const dir = mkdtempSync(join(tmpdir(), 'caredesk-first-sync-'));

beforeAll(async () => {
  central = await startTestCentral({ customers: 120, users: { 'rep.first': 'care_rep' } });
  const { csrPem, keyPem } = await createDeviceRequest('first sync desk');
  const anonymous = new CentralClient(central.store.enrolmentUrl, central.store.caPem, null);
  const enrolled = await anonymous.enrol({ code: central.enrolmentCode, deviceName: 'first sync desk', csrPem });
  await anonymous.close();
  client = new CentralClient(central.store.url, central.store.caPem, { certificatePem: enrolled.certificatePem, keyPem });
  const answer = await client.signIn({ username: 'rep.first', password: PASSWORD });
  if ('secondFactor' in answer) throw new Error('a care rep signs in with the password alone');
  token = answer.token;
});

afterAll(async () => {
  await client?.close();
  await central?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('a first sync over several pull responses', () => {
  it('shows one progress bar that only moves forward, ends at its total, and fills the cache completely', async () => {
    const cache = openCache({ file: join(dir, 'cache.db'), key: randomBytes(32) });
    const clientId = randomUUID();
    cache.setMeta('client_id', clientId);
    await client.registerClient(token, clientId);
    const progress: NonNullable<SyncStatus['progress']>[] = [];
    // how many customers a search could find, as each page of the first sync lands
    const available: number[] = [];
    const engine = new SyncEngine({
      cache,
      client,
      role: 'care_rep',
      clientId,
      token: () => token,
      clock: () => new Date(),
      onStatus: (s) => {
        if (s.progress) progress.push(s.progress);
        if (s.progress && s.firstSync) available.push(s.firstSync.customers);
      },
      onRecordsChanged: () => undefined,
      onRevoked: () => undefined,
      onSignInNeeded: () => undefined,
      pullLimit: 100,
      batchSize: 40,
    });
    expect(engine.status().firstSync).toEqual({ customers: 0 });
    await engine.syncNow();
    expect(engine.status().error).toBeNull();

    const expected = await central.store.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('entity', 'in', visibleEntities('care_rep'))
      .where('data', 'is not', null)
      .executeTakeFirstOrThrow();
    const totals = new Set(progress.map((p) => p.total));
    expect(totals).toEqual(new Set([Number(expected.n)]));
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.received).toBeGreaterThanOrEqual(progress[i - 1]!.received);
    expect(progress.at(-1)!.received).toBe(Number(expected.n));
    // more than one response: 100 rows each
    expect(progress.length).toBeGreaterThan(Number(expected.n) / 100);

    // the customers a search could find so far, counted as they arrive, never past what the cache holds
    expect(available.length).toBeGreaterThan(1);
    for (let i = 1; i < available.length; i++) expect(available[i]!).toBeGreaterThanOrEqual(available[i - 1]!);
    expect(available.at(-1)).toBe(120);
    expect(available.some((n) => n > 0 && n < 120)).toBe(true);
    expect(engine.status().firstSync).toBeNull();

    const last = demoCustomer(119, { seed: DEMO_SEED, historyMonths: 2 }).customer;
    expect(cache.search([{ kind: 'account', term: last.accountNumber.toLowerCase() }], 5).map((m) => m.customerId)).toEqual([last.id]);
    await engine.stop();
    cache.close();
  });
});
