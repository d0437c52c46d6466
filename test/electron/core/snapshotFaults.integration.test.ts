import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from '../../support/central';
import { engineDesk, enrolledIdentity } from '../../support/engineDesk';
import { HostileStore, type SnapshotTamper } from '../../support/hostileStore';

/**
 * Strict validation stays with the snapshot (issue 15): one bad row refuses its page whole — nothing
 * of that page is written, not even the rows before the bad one — and the sync resumes from the last
 * page written, at the same head. So does a stream cut mid-page. A store gone bad (hostileStore.ts)
 * rewrites one row of the third page, or cuts the stream in its middle; the desk writes pages of 50
 * customers, so rows 1–50 are page 1 (line 51 its mark), 52–101 page 2, 103–152 page 3.
 */
const CUSTOMERS = 300;
const BAD_LINE = 120;
let central: TestCentral;
let customerIds: string[];

beforeAll(async () => {
  central = await startTestCentral({ customers: CUSTOMERS, users: { 'rep.faults': 'care_rep' } });
  customerIds = (await central.store.db.selectFrom('records').select('id').where('entity', '=', 'customer').orderBy('id').execute()).map((r) => r.id);
});
afterAll(async () => {
  await central?.dispose();
});

const flipLast = (id: string) => id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
const atBadLine = (change: (line: string) => string | 'cut'): SnapshotTamper => (line, index) => (index === BAD_LINE ? change(line) : line);

describe('a snapshot from a store gone bad', () => {
  it.each<[string, SnapshotTamper, RegExp]>([
    ['a record text cut short', atBadLine((line) => line.slice(0, -2) + ']'), /malformed snapshot/],
    ['a record under another id than its text names', atBadLine((line) => line.replace(/\["customer","([^"]+)"/, (_m, id: string) => `["customer","${flipLast(id)}"`)), /malformed snapshot/],
    ['an entity the desk does not know', atBadLine((line) => line.replace('["customer",', '["customex",')), /malformed snapshot/],
    ['a header with a field it does not have', atBadLine((line) => line.replace('{"customerId"', '{"customerIx"')), /malformed snapshot/],
    ['a line that is not JSON', atBadLine(() => 'not json'), /malformed snapshot/],
    ['a stream cut in the middle of a page', atBadLine(() => 'cut'), /cut short|cannot be reached/],
  ])('%s: refuses the page whole, keeps the pages before it, and resumes after them', async (_name, tamper, error) => {
    const identity = await enrolledIdentity(central);
    const hostile = await HostileStore.start(central, identity);
    const desk = await engineDesk(central, { username: 'rep.faults', role: 'care_rep', serverUrl: hostile.url(), identity, engine: { batchSize: 50 } });
    let faulted;
    try {
      hostile.tamper = tamper;
      await desk.engine.syncNow();
      expect(desk.engine.status().error).toMatch(error);
      // pages 1 and 2 written, nothing of page 3 (its first 17 rows came before the bad one)
      expect(desk.cache.customerCount()).toBe(100);
      expect(desk.cache.getMeta('cursor')).toBeNull();
      const kept = desk.cache.snapshotProgress();
      expect(kept).toEqual({ at: expect.any(Number), next: `c/${customerIds[99]}` });

      hostile.tamper = null;
      await desk.engine.syncNow();
      expect(desk.engine.status().error).toBeNull();
      expect(JSON.parse(desk.snapshots[1]!)).toEqual({ at: kept!.at, after: `c/${customerIds[99]}` });
      expect(desk.cache.customerCount()).toBe(CUSTOMERS);
      expect(Number(desk.cache.getMeta('cursor'))).toBeGreaterThanOrEqual(kept!.at);
      expect(desk.cache.snapshotProgress()).toBeNull();
      await desk.engine.stop();
      desk.cache.close();
      faulted = desk.contents();
    } finally {
      await desk.dispose();
      await hostile.close();
    }
    // nothing lost, nothing doubled: the same records as a desk that never met the bad store
    const clean = await engineDesk(central, { username: 'rep.faults', role: 'care_rep', identity });
    await clean.engine.syncNow();
    await clean.engine.stop();
    clean.cache.close();
    expect(faulted.records.length).toBeGreaterThan(CUSTOMERS * 3);
    expect(faulted).toEqual(clean.contents());
    await clean.dispose();
  });
});
