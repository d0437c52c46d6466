import pg from 'pg';
import { verifyAuditChain } from '../central/audit/auditLog';
import { changeHead } from '../central/storage/changeLog';
import { openDatabase } from '../central/storage/database';
import { desksOf, inParallel, type LoadDesk, type PushSample } from './loadDesks';
import type { LoadRig } from './loadRig';

/**
 * One load run (bench/load.ts, test/central/load.pg.test.ts): every desk of the rig prepared and its
 * stream opened, then all pushing for `seconds`; then what the desks saw (throughput, push latency,
 * poke fan-out across nodes, errors) and what the database holds (one gapless change sequence, a
 * verified audit chain, one applied row per edit).
 */
export interface LoadOptions {
  seconds: number;
  /** edits per push (a desk's outbox sends what it holds; a busy rep's is mostly one) */
  batch: number;
  /** desks being prepared at once */
  setupWidth?: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  desks: number;
  seconds: number;
  applied: number;
  pushes: number;
  mutationsPerSecond: number;
  pushMs: Percentiles;
  /** from the pushing desk's answer (a lower bound: the commit came before it) and from its request (an upper bound) */
  fanOutMs: { fromAnswer: Percentiles; fromRequest: Percentiles; samples: number };
  /** pushes some desk on another node never heard of (no poke with that head or a later one) */
  missedPokes: number;
  /** desks whose stream did not reach the final head */
  desksBehind: number;
  errors: string[];
  store: { gapless: boolean; changes: number; auditVerified: boolean; auditGapless: boolean; appliedRows: number };
  /** share of samples of the nodes' database sessions per wait event (CPU: running), while the desks pushed */
  waits: Record<string, number>;
  /** pg_stat_statements' top statements by total time, when the server has it */
  statements: { query: string; calls: number; totalMs: number; meanMs: number }[];
  /** statements the nodes ran while the desks pushed (pg_stat_statements), per edit applied: each one a round trip, most under the write lock */
  statementsPerEdit: number | null;
  setupSeconds: number;
  /** a lone round trip to the database from a Node process on this machine just before the run (`select 1`, median of 200): what each of a push's statements costs at least */
  roundTripMs: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export async function runLoad(rig: LoadRig, options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => undefined);
  const db = await openDatabase({ kind: 'postgres', connectionString: rig.databaseUrl, poolMax: 2 });
  const desks = desksOf(rig);
  try {
    const setupStarted = performance.now();
    await inParallel(desks, options.setupWidth ?? 16, (d) => d.prepare());
    await inParallel(desks, 50, (d) => d.openStream());
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    log(`${desks.length} desks enrolled, signed in, callers verified, streams open in ${setupSeconds.toFixed(1)} s`);

    const roundTripMs = await roundTrip(rig.databaseUrl);
    const startHead = await changeHead(db);
    const auditBefore = await countRows(db, 'audit_log');
    const rowsBefore = await countRows(db, 'client_mutations');
    const statementsOn = await resetStatements(rig.databaseUrl);
    const sampler = sampleWaits(rig.databaseUrl);
    const started = performance.now();
    await Promise.all(desks.map((d) => d.pushUntil(started + options.seconds * 1000, options.batch)));
    const elapsed = (performance.now() - started) / 1000;
    const waits = await sampler.stop();
    // a push a desk gave up on (its client's timeout) may still be applied: the checks wait until the log stops moving
    const endHead = await settledHead(db);
    // the last pokes on their way
    await waitFor(() => desks.every((d) => maxHead(d) >= endHead), 5_000);
    const { statements, calls } = statementsOn ? await topStatements(rig.databaseUrl) : { statements: [], calls: null };
    await Promise.all(desks.map((d) => d.closeStream()));

    const pushes = desks.flatMap((d) => d.pushes);
    const applied = desks.reduce((n, d) => n + d.applied, 0);
    const fan = fanOut(desks, pushes);
    const store = await checkStore(db, startHead, endHead, auditBefore, rowsBefore);
    return {
      desks: desks.length,
      seconds: elapsed,
      applied,
      pushes: pushes.length,
      mutationsPerSecond: applied / elapsed,
      pushMs: percentiles(pushes.map((p) => p.ackAt - p.sentAt)),
      fanOutMs: { fromAnswer: percentiles(fan.fromAnswer), fromRequest: percentiles(fan.fromRequest), samples: fan.fromAnswer.length },
      missedPokes: fan.missed,
      desksBehind: desks.filter((d) => maxHead(d) < endHead).length,
      errors: desks.flatMap((d) => d.errors),
      store,
      waits,
      statements,
      statementsPerEdit: calls === null ? null : calls / Math.max(1, applied),
      setupSeconds,
      roundTripMs,
    };
  } finally {
    await Promise.all(desks.map((d) => d.closeStream().catch(() => undefined)));
    await db.destroy();
  }
}

const maxHead = (d: LoadDesk) => d.pokes.reduce((m, p) => Math.max(m, p.head), 0);

async function settledHead(db: Awaited<ReturnType<typeof openDatabase>>): Promise<number> {
  let head = await changeHead(db);
  for (const until = Date.now() + 120_000; Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = await changeHead(db);
    if (now === head) return head;
    head = now;
  }
  return head;
}

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  for (const until = Date.now() + ms; !done() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
}

/**
 * For a sample of pushes (at most 2,000, spread over the run), each desk on another node: how long
 * until its stream brought a poke with the push's head or a later one. The commit happened between
 * the push's request and its answer, so the two figures bracket the true fan-out.
 */
export function fanOut(desks: readonly Pick<LoadDesk, 'node' | 'pokes'>[], pushes: PushSample[]): { fromAnswer: number[]; fromRequest: number[]; missed: number } {
  // a stream's pokes by arrival, with the highest head seen so far (pokes of concurrent pushes may arrive out of order)
  const streams = desks.map((d) => {
    let high = 0;
    return { node: d.node, heads: d.pokes.map((p) => (high = Math.max(high, p.head))), times: d.pokes.map((p) => p.at) };
  });
  const step = Math.max(1, Math.floor(pushes.length / 2000));
  const fromAnswer: number[] = [];
  const fromRequest: number[] = [];
  let missed = 0;
  for (let i = 0; i < pushes.length; i += step) {
    const push = pushes[i]!;
    for (const s of streams) {
      if (s.node === push.node) continue;
      let lo = 0;
      let hi = s.heads.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s.heads[mid]! >= push.head) hi = mid;
        else lo = mid + 1;
      }
      if (lo === s.heads.length) {
        missed += 1;
        continue;
      }
      fromAnswer.push(s.times[lo]! - push.ackAt);
      fromRequest.push(s.times[lo]! - push.sentAt);
    }
  }
  return { fromAnswer, fromRequest, missed };
}

async function countRows(db: Awaited<ReturnType<typeof openDatabase>>, table: 'audit_log' | 'client_mutations'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function checkStore(db: Awaited<ReturnType<typeof openDatabase>>, startHead: number, endHead: number, auditBefore: number, rowsBefore: number) {
  const changes = await db
    .selectFrom('record_history')
    .select((eb) => [eb.fn.count<number>('seq').distinct().as('n'), eb.fn.min<number>('seq').as('low'), eb.fn.max<number>('seq').as('high')])
    .where('seq', '>', startHead)
    .executeTakeFirstOrThrow();
  const n = Number(changes.n);
  const gapless = n === endHead - startHead && (n === 0 || (Number(changes.low) === startHead + 1 && Number(changes.high) === endHead));
  const chain = await verifyAuditChain(db);
  const audit = await db.selectFrom('audit_log').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max<number>('seq').as('high')]).executeTakeFirstOrThrow();
  const auditCount = Number(audit.n);
  return {
    gapless,
    changes: n,
    auditVerified: chain.ok,
    auditGapless: auditCount === Number(audit.high) && auditCount > auditBefore,
    appliedRows: (await countRows(db, 'client_mutations')) - rowsBefore,
  };
}

/** Every 100 ms, what each of the nodes' busy database sessions waits on (pg_stat_activity). */
function sampleWaits(url: string): { stop(): Promise<Record<string, number>> } {
  const client = new pg.Client({ connectionString: url });
  const counts: Record<string, number> = {};
  let total = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ wait: string; n: string }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait, count(*) as n from pg_stat_activity
         where application_name = 'caredesk-central' and state <> 'idle' and pid <> pg_backend_pid() group by 1`,
      );
      for (const r of rows) {
        counts[r.wait] = (counts[r.wait] ?? 0) + Number(r.n);
        total += Number(r.n);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / Math.max(1, total)]));
    },
  };
}

/** pg_stat_statements emptied for the run; false when the server does not load it (the test's shared server). */
async function resetStatements(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
    return true;
  } catch {
    return false;
  } finally {
    await client.end();
  }
}

async function topStatements(url: string): Promise<{ statements: LoadResult['statements']; calls: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ query: string; calls: string; total: number; mean: number }>(
      `select query, calls, total_exec_time as total, mean_exec_time as mean from pg_stat_statements
       where query not ilike '%pg_stat%' order by total_exec_time desc limit 8`,
    );
    const all = await client.query<{ calls: string }>(`select sum(calls) as calls from pg_stat_statements where query not ilike '%pg_stat%'`);
    return { statements: rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').slice(0, 140), calls: Number(r.calls), totalMs: r.total, meanMs: r.mean })), calls: Number(all.rows[0]?.calls ?? 0) };
  } finally {
    await client.end();
  }
}

async function roundTrip(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await client.query('select 1');
      times.push(performance.now() - t);
    }
    return percentiles(times).p50;
  } finally {
    await client.end();
  }
}
