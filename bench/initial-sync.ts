/**
 * bench/initial-sync — DESIGN §7: "first sync of 1,000,000 customer records into the encrypted
 * cache: under 30 s, with a progress bar; encryption costs at most 30 % over the same sync into
 * plain SQLite". Seeds N customers (default 100,000), serves them from a central store in its own
 * process over TLS 1.3 on loopback, and syncs them as a care rep into a fresh plain cache and a
 * fresh encrypted one, alternating, in one run so the ratio compares like with like.
 *
 *   npm run bench:initial-sync -- [N] [--runs R]
 */
import { rmSync } from 'node:fs';
import { argCount, firstSync, fmt, signedInClient, startBenchCentral } from './lib';

const customers = argCount();
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 1;
const log = (line: string) => console.log(line);

const central = await startBenchCentral(customers, log);
const { client, token } = await signedInClient(central);
const results: Record<'plain' | 'encrypted', number[]> = { plain: [], encrypted: [] };
const inCache: Record<'plain' | 'encrypted', number[]> = { plain: [], encrypted: [] };
let rows = 0;
try {
  for (let run = 0; run < runs; run++) {
    for (const kind of ['plain', 'encrypted'] as const) {
      let lastShown = 0;
      const result = await firstSync(client, token, kind === 'encrypted', (received, total) => {
        if (received - lastShown >= total / 10 || received === total) {
          lastShown = received;
          process.stdout.write(`\r  ${kind.padEnd(9)} ${'█'.repeat(Math.round((received / total) * 30)).padEnd(30, '░')} ${fmt(received)}/${fmt(total)}`);
        }
      });
      process.stdout.write('\n');
      rows = result.rows;
      result.cache.close();
      rmSync(result.dir, { recursive: true, force: true });
      results[kind].push(result.seconds);
      inCache[kind].push(result.cacheSeconds);
      log(`  run ${run + 1} ${kind}: ${fmt(result.seconds, 1)} s (${fmt(result.cacheSeconds, 1)} s in the cache), ${fmt(result.rows / result.seconds)} rows/s, ${fmt(customers / result.seconds)} customers/s`);
    }
  }
} finally {
  await client.close();
  await central.stop();
}

const best = (xs: number[]) => Math.min(...xs);
const plain = best(results.plain);
const encrypted = best(results.encrypted);
const ratio = encrypted / plain;
const cacheRatio = best(inCache.encrypted) / best(inCache.plain);
const projected1M = (encrypted / customers) * 1_000_000;
console.log(`
initial sync of ${fmt(customers)} customers (${fmt(rows)} rows: customers, service lines, billing summaries) as a care rep
  plain cache      ${fmt(plain, 1)} s   ${fmt(rows / plain)} rows/s   ${fmt(customers / plain)} customers/s
  encrypted cache  ${fmt(encrypted, 1)} s   ${fmt(rows / encrypted)} rows/s   ${fmt(customers / encrypted)} customers/s
  encrypted/plain  ${fmt(ratio, 2)}× end to end, ${fmt(cacheRatio, 2)}× inside the cache (${fmt(best(inCache.plain), 1)} s vs ${fmt(best(inCache.encrypted), 1)} s)   target ≤ 1.30×  ${ratio <= 1.3 ? 'met' : 'NOT met'}
  1,000,000 customers encrypted: ${customers === 1_000_000 ? 'measured' : 'projected linearly'} ${fmt(projected1M, 1)} s   target < 30 s  ${projected1M < 30 ? 'met' : 'NOT met'}
(best of ${runs} run${runs > 1 ? 's' : ''}; shared, noisy 2-core machine: compare the ratio, not the absolute times)`);
