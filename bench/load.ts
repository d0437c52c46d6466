import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fmt } from './lib';
import { startLoadRig } from './loadRig';
import { runLoad, type LoadResult } from './loadRun';

/**
 * The central store under many workstations (DESIGN §7: 500 concurrent workstations, at least 2,000
 * mutations/s applied, no error; issue 15 item 6). Starts its own PostgreSQL (durable commits) in a
 * temporary directory and two central nodes on it, each a child process on loopback (the desks' CPU
 * is not the nodes'), then N lightweight desks (bench/loadDesks.ts): each its own enrolled device
 * certificate, a care rep's session, a registered client and an open live-update stream, half on
 * each node, pushing contact edits for `--seconds` as fast as their answers come back. A desk here is
 * the real desk's HTTP/TLS client (undici with the device certificate, the protocol's schemas) with
 * no encrypted cache and no sync engine: 500 full workstation cores would measure the desks, not the
 * centre. Each desk edits customers of its own, so any conflict, rejection or non-2xx is an error.
 *
 *   npm run bench:load -- [--desks 500] [--seconds 30] [--batch 1] [--profile DIR]
 *
 * The npm script raises the open-file limit (`ulimit -n`): each desk holds two TLS connections,
 * and the nodes one each per desk.
 */
const { values } = parseArgs({
  options: {
    desks: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    batch: { type: 'string', default: '1' },
    'customers-per-desk': { type: 'string', default: '2' },
    profile: { type: 'string' },
  },
});
const desks = Number(values.desks);
const seconds = Number(values.seconds);
const batch = Number(values.batch);
const log = (line: string) => console.log(`  ${line}`);

const TARGETS = { mutationsPerSecond: 2_000, pushP95Ms: 500, fanOutP95Ms: 500 } as const;
const mark = (met: boolean) => (met ? 'met' : 'NOT met');

const profileDir = values.profile ? resolve(values.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
console.log(`load: ${desks} desks on 2 central nodes, ${seconds} s, ${batch} edit(s) per push`);
const rig = await startLoadRig({ desks, customersPerDesk: Number(values['customers-per-desk']), profileDir, log });
let result: LoadResult;
try {
  result = await runLoad(rig, { seconds, batch, log });
} finally {
  await rig.stop();
}
print(result);
if (profileDir) console.log(`CPU profile of node 1: ${profileDir}`);
process.exitCode = result.errors.length || !result.store.gapless || !result.store.auditVerified ? 1 : 0;

function print(r: LoadResult): void {
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  console.log(`\n${r.desks} desks, ${fmt(r.seconds, 1)} s: ${fmt(r.applied)} edits applied in ${fmt(r.pushes)} pushes`);
  console.log(`  mutations/s applied   ${fmt(r.mutationsPerSecond)}   target ≥ ${fmt(TARGETS.mutationsPerSecond)}: ${mark(r.mutationsPerSecond >= TARGETS.mutationsPerSecond)}`);
  console.log(`  push p50/p95/p99      ${ms(r.pushMs.p50)} / ${ms(r.pushMs.p95)} / ${ms(r.pushMs.p99)}   target p95 < ${TARGETS.pushP95Ms} ms: ${mark(r.pushMs.p95 < TARGETS.pushP95Ms)}`);
  const f = r.fanOutMs;
  console.log(`  poke fan-out p95      ${ms(f.fromAnswer.p95)} from the push's answer … ${ms(f.fromRequest.p95)} from its request (p50 ${ms(f.fromAnswer.p50)} … ${ms(f.fromRequest.p50)}; ${fmt(f.samples)} push × desk-on-the-other-node samples)   target p95 < ${TARGETS.fanOutP95Ms} ms: ${mark(f.fromRequest.p95 < TARGETS.fanOutP95Ms)}`);
  const errors = r.errors.length + r.missedPokes + r.desksBehind;
  console.log(`  errors                ${fmt(errors)} (pushes ${fmt(r.errors.length)}, pokes missed ${fmt(r.missedPokes)}, streams behind ${fmt(r.desksBehind)})   target 0: ${mark(errors === 0)}`);
  for (const [e, n] of Object.entries(countBy(r.errors)).slice(0, 5)) console.log(`    ${n} × ${e}`);
  console.log(`  change sequence       ${fmt(r.store.changes)} changes, ${r.store.gapless ? 'gapless' : 'WITH GAPS'}; ${fmt(r.store.appliedRows)} applied rows stored`);
  console.log(`  audit chain           ${r.store.auditVerified ? 'verified' : 'BROKEN'}, ${r.store.auditGapless ? 'gapless' : 'WITH GAPS'}`);
  console.log(`  set-up of the desks   ${fmt(r.setupSeconds, 1)} s; a lone database round trip before the run: ${fmt(r.roundTripMs, 2)} ms (median)`);
  console.log(`  nodes' database sessions, by wait: ${Object.entries(r.waits).slice(0, 6).map(([w, share]) => `${w} ${fmt(share * 100)} %`).join(', ')}`);
  if (r.statements.length) {
    console.log(`  statements per edit applied (all sessions, pg_stat_statements): ${fmt(r.statementsPerEdit ?? 0, 1)}; top by total time:`);
    for (const s of r.statements) console.log(`    ${fmt(s.totalMs)} ms  ${fmt(s.calls)} calls  ${fmt(s.meanMs, 3)} ms each  ${s.query}`);
  }
}

function countBy(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}
