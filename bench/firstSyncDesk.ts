/**
 * One first sync in a process of its own (bench/initial-sync.ts starts one per run), so that its
 * peak resident memory is the desk's alone — not the seeding's, not an earlier run's heap. Reads
 * its orders from BENCH_DESK (JSON), prints its progress on stderr and its result as JSON on stdout.
 */
import { rmSync } from 'node:fs';
import { CentralClient } from '../electron/core/sync/centralClient';
import { firstSync } from './lib';

interface Orders {
  url: string;
  caPem: string;
  identity: { certificatePem: string; keyPem: string };
  token: string;
  encrypted: boolean;
  by: 'snapshot' | 'pull';
  label: string;
}

const orders = JSON.parse(process.env.BENCH_DESK ?? '{}') as Orders;
const client = new CentralClient(orders.url, orders.caPem, orders.identity);
let lastShown = 0;
const result = await firstSync(
  client,
  orders.token,
  orders.encrypted,
  (received, total) => {
    if (received - lastShown >= total / 10 || received === total) {
      lastShown = received;
      process.stderr.write(`\r  ${orders.label.padEnd(22)} ${'█'.repeat(Math.round((received / total) * 30)).padEnd(30, '░')} ${received}/${total}`);
    }
  },
  orders.by,
);
process.stderr.write('\n');
result.cache.close();
rmSync(result.dir, { recursive: true, force: true });
await client.close();
// ru_maxrss: the most this process ever held resident, in KiB on Linux
process.stdout.write(JSON.stringify({ seconds: result.seconds, cacheSeconds: result.cacheSeconds, rows: result.rows, peakRssBytes: process.resourceUsage().maxRSS * 1024, peakRssBeforeIndexesBytes: result.peakRssBeforeIndexesBytes, heapBeforeIndexesBytes: result.heapBeforeIndexesBytes, indexSeconds: result.indexSeconds }) + '\n');
