import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../central/storage/database';
import { writeRecords } from '../../central/storage/recordStore';
import { Harness } from './harness';

/**
 * A record the central store deletes (a tombstone) or overwrites leaves no readable bytes in the
 * database file once the WAL is checkpointed (issue 11, first step: `secure_delete`). Without the
 * pragma the old values stay in the pages' free space (tried: found).
 */
describe('the central database after a delete', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
  });
  afterAll(() => h.dispose());

  const bytesOf = () => Buffer.concat(['', '-wal'].map((suffix) => join(h.dataDir, `central.sqlite${suffix}`)).filter(existsSync).map((f) => readFileSync(f)));
  /** what an erasure does after its purge: every page back in the file, the WAL emptied */
  const checkpoint = () => {
    const db = new Database(join(h.dataDir, 'central.sqlite'));
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  };

  it('keeps no copy of a tombstoned or overwritten record’s values', async () => {
    const { customer } = h.customer(0);
    const marker = { gone: 'erased.customer.7731@example.org', replaced: '4471 Overwritten Avenue' };
    const write = (op: 'update' | 'delete', data?: Record<string, unknown>) =>
      inTransaction(h.store.db, (tx) => writeRecords(tx, [op === 'delete' ? { op, entity: 'customer', id: customer.id, customerId: customer.id, fields: [] } : { op, entity: 'customer', id: customer.id, customerId: customer.id, data: data!, fields: ['email'] }], { at: new Date(), by: null }));
    await write('update', { ...customer, email: marker.gone, serviceAddress: { ...customer.serviceAddress, line1: marker.replaced } });
    checkpoint();
    expect(bytesOf().includes(Buffer.from(marker.gone))).toBe(true); // the scan finds what is there

    await write('update', { ...customer, email: marker.gone, serviceAddress: customer.serviceAddress });
    await write('delete');
    checkpoint();
    const bytes = bytesOf();
    expect(bytes.includes(Buffer.from(marker.gone))).toBe(false);
    expect(bytes.includes(Buffer.from(marker.replaced))).toBe(false);
    expect(bytes.includes(Buffer.from(h.customer(1).customer.email))).toBe(true);
  });
});
