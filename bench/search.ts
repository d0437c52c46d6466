/**
 * bench/search — DESIGN §7: "search by phone digits, name prefix, email or account number over 1M
 * cached customers: p95 under 10 ms; opening a customer profile: p95 under 20 ms".
 * Fills an encrypted cache with N customers (default 100,000) through the first-sync path, then
 * times each search kind through the same code the console handler runs.
 *
 *   npm run bench:search -- [N] [--queries Q]
 */
import { rmSync } from 'node:fs';
import { demoCustomer } from '../domain/demo/generator';
import { customerProfile, searchCustomers } from '../electron/core/api/customers';
import type { OpenSession } from '../electron/core/session/session';
import { argCount, firstSync, fmt, signedInClient, startBenchCentral } from './lib';

const customers = argCount();
const qArg = process.argv.indexOf('--queries');
const queries = qArg > 0 ? Number(process.argv[qArg + 1]) : 2_000;

const central = await startBenchCentral(customers, console.log);
const { client, token } = await signedInClient(central);
const synced = await firstSync(client, token, true);
await client.close();
await central.stop();
console.log(`encrypted cache filled: ${fmt(customers)} customers in ${fmt(synced.seconds, 1)} s`);

const session = {
  cache: synced.cache,
  user: { id: '00000000-0000-4000-8000-000000000000', username: 'bench.rep', displayName: 'Bench', role: 'care_rep', status: 'active' },
  verifications: new Map(),
  viewsRecorded: new Map(),
  clock: () => new Date(),
} as unknown as OpenSession;

// Deterministic sample of customers to look up (the same generator the store was seeded from).
const sample = Array.from({ length: queries }, (_, i) => demoCustomer((i * 7_919) % customers, { seed: 1, historyMonths: 0 }).customer);
const kinds: Record<string, (c: (typeof sample)[number]) => string> = {
  'phone, full number': (c) => c.phones[0]!.number.slice(2),
  'phone, last 4 digits': (c) => c.phones[0]!.number.slice(-4),
  'phone, middle 5 digits': (c) => c.phones[0]!.number.slice(5, 10),
  'name prefix (last first)': (c) => `${c.lastName} ${c.firstName.slice(0, 2)}`,
  'name prefix (first last)': (c) => `${c.firstName} ${c.lastName.slice(0, 3)}`,
  'email prefix': (c) => c.email.slice(0, c.email.indexOf('@')),
  'account number': (c) => c.accountNumber,
};

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

console.log(`\n${fmt(queries)} queries per kind over ${fmt(customers)} cached customers (encrypted), limit 20 results:`);
console.log(`  ${'kind'.padEnd(28)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}   found   target p95 < 10 ms`);
for (const [kind, queryOf] of Object.entries(kinds)) {
  const times: number[] = [];
  let found = 0;
  for (const c of sample) {
    const q = queryOf(c);
    const t = performance.now();
    const hits = searchCustomers(session, q, 'auto', 20);
    times.push(performance.now() - t);
    if (hits.some((h) => h.id === c.id)) found++;
  }
  const p = percentiles(times);
  console.log(`  ${kind.padEnd(28)} ${fmt(p.p50, 2).padStart(8)} ${fmt(p.p95, 2).padStart(8)} ${fmt(p.p99, 2).padStart(8)}   ${fmt((found / sample.length) * 100, 0).padStart(4)} %   ${p.p95 < 10 ? 'met' : 'NOT met'}`);
}
const opens: number[] = [];
for (const c of sample) {
  const t = performance.now();
  customerProfile(session, c.id);
  opens.push(performance.now() - t);
}
const p = percentiles(opens);
console.log(`  ${'open a customer profile'.padEnd(28)} ${fmt(p.p50, 2).padStart(8)} ${fmt(p.p95, 2).padStart(8)} ${fmt(p.p99, 2).padStart(8)}            target p95 < 20 ms  ${p.p95 < 20 ? 'met' : 'NOT met'}`);
console.log('("found" = the sought customer is among the 20 results; short phone fragments match many customers)');
synced.cache.close();
rmSync(synced.dir, { recursive: true, force: true });
