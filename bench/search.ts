/**
 * bench/search — DESIGN §7: "search by phone digits, name prefix, email or account number over 1M
 * cached customers: p95 under 10 ms; opening a customer profile: p95 under 20 ms; unlock to first
 * search result: under 1 s", and issue 15: combined fragments ("4151 breit") find the caller first
 * in ≥ 95 % of searches.
 * Fills an encrypted cache with N customers (default 100,000) through the first-sync path, then
 * times each search kind through the same code the console handler runs, and an unlock (Argon2id
 * with the production parameters, key unwrap, cache open) followed by the first search.
 *
 *   npm run bench:search -- [N] [--queries Q] [--surnames wide|english]
 *
 * `--surnames` (DemoOptions.surnames): 'wide' (the default) seeds surnames that collide about as often
 * as a real population's; 'english' is the demo's even draw of about 470, under which one search in five
 * by last 4 + surname prefix is tied with another customer (bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { demoCustomer } from '../domain/demo/generator';
import { SEARCH_COUNT_CAP, combinedSearch } from '../domain/search';
import { countCustomers, customerProfile, searchCustomers } from '../electron/core/api/customers';
import { openCache } from '../electron/core/cache';
import type { OpenSession } from '../electron/core/session/session';
import { DEFAULT_ARGON2 } from '../electron/core/vault';
import { deriveKek } from '../electron/core/vault/keyDerivation';
import { unwrapKey, wrapKey } from '../electron/core/vault/keyWrap';
import { BENCH_PASSWORD, argCount, firstSync, fmt, signedInClient, startBenchCentral } from './lib';

const customers = argCount();
const qArg = process.argv.indexOf('--queries');
const queries = qArg > 0 ? Number(process.argv[qArg + 1]) : 2_000;
const sArg = process.argv.indexOf('--surnames');
const surnames = sArg > 0 ? process.argv[sArg + 1] : 'wide';
if (surnames !== 'wide' && surnames !== 'english') throw new Error('--surnames: wide or english');
const LIMIT = 20;

const central = await startBenchCentral(customers, console.log, surnames);
const { client, token } = await signedInClient(central);
const synced = await firstSync(client, token, true);
await client.close();
await central.stop();
console.log(`encrypted cache filled: ${fmt(customers)} customers in ${fmt(synced.seconds, 1)} s`);

const sessionOf = (cache: typeof synced.cache) =>
  ({
    cache,
    user: { id: '00000000-0000-4000-8000-000000000000', username: 'bench.rep', displayName: 'Bench', role: 'care_rep', status: 'active' },
    verifications: new Map(),
    viewsRecorded: new Map(),
    clock: () => new Date(),
  }) as unknown as OpenSession;
let session = sessionOf(synced.cache);

// Deterministic sample of customers to look up (the same generator the store was seeded from).
const sample = Array.from({ length: queries }, (_, i) => demoCustomer((i * 7_919) % customers, { seed: 1, historyMonths: 0, surnames }).customer);
type Sampled = (typeof sample)[number];
const digits = (c: Sampled) => c.phones[0]!.number.slice(2);
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const kinds: Record<string, (c: Sampled) => string> = {
  'phone, full number': (c) => digits(c),
  'phone, last 4 digits': (c) => digits(c).slice(-4),
  'phone, middle 5 digits': (c) => digits(c).slice(3, 8),
  'name prefix (last first)': (c) => `${c.lastName} ${c.firstName.slice(0, 2)}`,
  'name prefix (first last)': (c) => `${c.firstName} ${c.lastName.slice(0, 3)}`,
  'email prefix': (c) => c.email.slice(0, c.email.indexOf('@')),
  'account number': (c) => c.accountNumber,
  // combined fragments (issue 15): what a rep hears, typed together
  'last 4 + last-name prefix': (c) => `${digits(c).slice(-4)} ${fold(c.lastName).slice(0, 5)}`,
  'last-name prefix + last 4': (c) => `${fold(c.lastName).slice(0, 5)} ${digits(c).slice(-4)}`,
  'middle 5 + first-name prefix': (c) => `${digits(c).slice(3, 8)} ${fold(c.firstName).slice(0, 3)}`,
  'initial + last name + last 4': (c) => `${fold(c.firstName)[0]} ${fold(c.lastName)} ${digits(c).slice(-4)}`,
};
const COMBINED = new Set(['last 4 + last-name prefix', 'last-name prefix + last 4', 'middle 5 + first-name prefix', 'initial + last name + last 4']);
/** the kinds issue 15 states "caller first ≥ 95 %" for: the last 4 digits and a name prefix; the other combined kinds are shown beside them */
const FIRST_TARGETED = new Set(['last 4 + last-name prefix', 'last-name prefix + last 4', 'initial + last name + last 4']);

// How often the words themselves cannot tell two customers apart: another customer with the same last
// 4 digits (10⁻⁴) and the same five-letter surname prefix (Σ share²) — the floor of "caller first".
{
  const counted = Math.min(customers, 200_000);
  const prefixes = new Map<string, number>();
  for (let i = 0; i < counted; i++) {
    const key = fold(demoCustomer(i, { seed: 1, historyMonths: 0, surnames }).customer.lastName).slice(0, 5);
    prefixes.set(key, (prefixes.get(key) ?? 0) + 1);
  }
  let collision = 0;
  for (const n of prefixes.values()) collision += (n / counted) ** 2;
  const others = customers * 1e-4 * collision;
  console.log(
    `surnames: ${surnames} — ${fmt(prefixes.size)} five-letter prefixes over the first ${fmt(counted)} customers, Σ share² ${collision.toFixed(5)}; ` +
      `expected other customers sharing a caller's last 4 and surname prefix ${fmt(others, 3)}, so about ${fmt((1 - Math.exp(-others)) * 100, 1)} % of those searches tied`,
  );
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { p50: at(50), p95: at(95), p99: at(99) };
}
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const pct = (n: number) => `${fmt((n / sample.length) * 100, 1)} %`;

console.log(`\n${fmt(queries)} queries per kind over ${fmt(customers)} cached customers (encrypted), limit ${LIMIT} results (load average ${loadavg().map((l) => fmt(l, 1)).join(' ')}):`);
console.log(`  ${'kind'.padEnd(30)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  p95 < 10 ms  ${'first'.padStart(8)} ${'among 20'.padStart(9)}  first ≥ 95 % (last 4 + name)  tied   matched (median)`);
for (const [kind, queryOf] of Object.entries(kinds)) {
  const times: number[] = [];
  const totals: number[] = [];
  // a one-word search's cut list comes uncounted; the console asks for the count next (customers.count)
  const counts: number[] = [];
  const listAndCount: number[] = [];
  let first = 0;
  let found = 0;
  let tied = 0;
  for (const c of sample) {
    const q = queryOf(c);
    const t = performance.now();
    const result = searchCustomers(session, q, 'auto', LIMIT);
    const listed = performance.now() - t;
    times.push(listed);
    if (result.total === null) {
      const c0 = performance.now();
      const count = countCustomers(session, q, 'auto');
      const counted = performance.now() - c0;
      counts.push(counted);
      listAndCount.push(listed + counted);
      totals.push(count.capped ? count.total + 1 : count.total);
    } else {
      totals.push(result.capped ? result.total + 1 : result.total);
    }
    if (result.hits[0]?.id === c.id) first++;
    if (result.hits.some((h) => h.id === c.id)) found++;
    if (COMBINED.has(kind)) {
      // untimed: another customer these words rank as high as the caller — no ranking from them can tell the two apart
      const { matches } = session.cache.searchCombined(combinedSearch(q)!, LIMIT, SEARCH_COUNT_CAP);
      const own = matches.find((m) => m.customerId === c.id)?.rank;
      if (own !== undefined && matches.some((m) => m.customerId !== c.id && m.rank === own)) tied++;
    }
  }
  const p = percentiles(times);
  const matched = percentiles(totals).p50;
  const firstTarget = FIRST_TARGETED.has(kind) ? verdict(first / sample.length >= 0.95) : COMBINED.has(kind) ? 'no target' : '';
  console.log(
    `  ${kind.padEnd(30)} ${fmt(p.p50, 2).padStart(7)} ${fmt(p.p95, 2).padStart(7)} ${fmt(p.p99, 2).padStart(7)}  ${verdict(p.p95 < 10).padEnd(11)}  ${pct(first).padStart(8)} ${pct(found).padStart(9)}  ${firstTarget.padEnd(28)}  ${(COMBINED.has(kind) ? pct(tied) : '').padStart(6)}  ${fmt(matched)}${matched > 1000 ? '+' : ''}`,
  );
  if (counts.length) {
    const c = percentiles(counts);
    const both = percentiles(listAndCount);
    console.log(
      `    ${`its count, asked after (${pct(counts.length)} cut)`.padEnd(28)} ${fmt(c.p50, 2).padStart(7)} ${fmt(c.p95, 2).padStart(7)} ${fmt(c.p99, 2).padStart(7)}  (list + count in one call, as before the split: p95 ${fmt(both.p95, 2)} ms)`,
    );
  }
}
const opens: number[] = [];
for (const c of sample) {
  const t = performance.now();
  customerProfile(session, c.id);
  opens.push(performance.now() - t);
}
const p = percentiles(opens);
console.log(`  ${'open a customer profile'.padEnd(30)} ${fmt(p.p50, 2).padStart(7)} ${fmt(p.p95, 2).padStart(7)} ${fmt(p.p99, 2).padStart(7)}  p95 < 20 ms: ${verdict(p.p95 < 20)}`);
console.log('("first" = the sought customer is the first result; "among 20" = among the 20 results; "tied" = another customer matches the words as well as the caller; "matched" = how many customers the search matched, counted up to 1,000, "1,000+" past it; "its count": a one-word list that was cut comes uncounted and the console asks for its figure next, customers.count)');

// Unlock → first result: the password stretched with the production Argon2id parameters and the
// device secret, the cache key unwrapped, the cache opened (key proof, migrations checked) and one
// search answered. The device secret comes from the OS keychain in the app (a local IPC, not timed here).
synced.cache.close();
const deviceSecret = randomBytes(32);
const salt = randomBytes(16);
const aad = 'bench-user';
const wrapped = wrapKey(await deriveKek(BENCH_PASSWORD, deviceSecret, salt, DEFAULT_ARGON2), synced.key!, aad);
const unlocks: number[] = [];
for (let run = 0; run < 5; run++) {
  const c = sample[(run * 37) % sample.length]!;
  const t = performance.now();
  const key = unwrapKey(await deriveKek(BENCH_PASSWORD, deviceSecret, salt, DEFAULT_ARGON2), wrapped, aad);
  const cache = openCache({ file: synced.file, key: key! });
  session = sessionOf(cache);
  const result = searchCustomers(session, `${digits(c).slice(-4)} ${fold(c.lastName).slice(0, 5)}`, 'auto', LIMIT);
  unlocks.push(performance.now() - t);
  if (result.hits.length === 0) throw new Error('unlock bench: the first search found no one');
  cache.close();
}
const worst = Math.max(...unlocks);
console.log(`  ${'unlock → first result'.padEnd(30)} runs ${unlocks.map((u) => fmt(u, 0)).join(', ')} ms; worst ${fmt(worst, 0)} ms   target < 1,000 ms: ${verdict(worst < 1000)}`);
rmSync(synced.dir, { recursive: true, force: true });
