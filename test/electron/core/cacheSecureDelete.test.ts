import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSearch } from '../../../domain/search';
import { openCache } from '../../../electron/core/cache';
import { decryptedPages } from '../../support/decryptedPages';
import { customerPuts, piiOf, removeTempDirs, tempDir } from './helpers';

/**
 * A customer deleted from the cache leaves no readable trace in the file (issue 11, first step): the
 * row's bytes are overwritten (secure_delete), the phone index drops its trigrams at once (FTS5
 * secure-delete), and once the WAL is checkpointed no old page remains. Checked on every decrypted
 * page of an encrypted cache, free space included (test/support/decryptedPages.ts). Without the
 * pragma the deleted name, email and phone digits are still there (tried: found).
 */
const key = Buffer.alloc(32, 7);
const found = (bytes: Buffer, needles: string[]) => needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));

describe('a deleted customer in the cache', () => {
  afterAll(() => removeTempDirs());

  it('is found nowhere in the file once deleted and checkpointed, nor by a phone search, while the others still are', () => {
    const file = join(tempDir(), 'cache.db');
    const { changes, customers } = customerPuts(0, 40);
    const cache = openCache({ file, key });
    cache.applyPull(changes, changes.at(-1)!.seq);
    const [gone, kept] = [customers[7]!, customers[8]!];
    const seq = changes.at(-1)!.seq;
    const digits = gone.customer.phones[0]!.number.slice(-7);
    expect(cache.search(planSearch(digits, 'phone'), 5).map((h) => h.customerId)).toContain(gone.customer.id);

    const own = changes.filter((c) => c.customerId === gone.customer.id);
    cache.applyPull(own.map((c, i) => ({ t: 'del' as const, seq: seq + 1 + i, entity: c.entity, id: c.id, customerId: c.customerId })), seq + own.length);
    expect(cache.search(planSearch(digits, 'phone'), 5).map((h) => h.customerId)).not.toContain(gone.customer.id);
    cache.close(); // the last connection checkpoints the WAL into the file and removes it

    expect(readFileSync(file).includes(Buffer.from(kept.customer.email))).toBe(false); // encrypted at rest
    const pages = decryptedPages(file, key);
    expect(found(pages, piiOf(kept)).length).toBeGreaterThan(0); // the scan finds what is there
    expect(found(pages, piiOf(gone))).toEqual([]);
  });
});
