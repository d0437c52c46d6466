import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCentral } from '../../central';
import { API } from '../../domain';
import { demoCustomer } from '../../domain/demo/generator';
import { openOsKeychain } from '../../electron/core/keychain';
import { DEMO_SEED, PASSWORD, startTestCentral } from '../support/central';
import type { DeskPlan } from './desk';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The crash harness (issue 9): a real workstation core in a child process (desk.ts) against a real
 * central store, killed with SIGKILL at a random moment of a chosen phase, then started again to
 * finish. After each run it counts what the kill cost: planned edits the store does not hold
 * (lost), edits the store applied more than once (doubled), and restarts that did not finish
 * (failed to resume: the cache would not open, sync would not complete, or it hung). Reusable: the
 * later outbox and protocol redesign and the PostgreSQL backend run the same scenarios.
 */
const DESK = fileURLToPath(new URL('./desk.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TIMEOUT_MS = 90_000;
const demo = (index: number) => demoCustomer(index, { seed: DEMO_SEED, historyMonths: 2 });

export type ScenarioName = 'first pull' | 'push' | 'incremental pull' | 'central mid-push';
/** the desk killed in one of its phases */
const DESK_SCENARIOS: readonly ScenarioName[] = ['first pull', 'push', 'incremental pull'];
export const SCENARIOS: readonly ScenarioName[] = [...DESK_SCENARIOS, 'central mid-push'];

export interface ScenarioTally {
  scenario: ScenarioName;
  runs: number;
  /** runs whose child was still running when killed (the others finished first): the harness runs until this reaches the kills asked for */
  killed: number;
  lost: number;
  doubled: number;
  failedToResume: number;
  failures: string[];
}

interface DeskRun {
  killed: boolean;
  done: { queued: number; pending: number; rejected: number; conflicts: number; found: number } | null;
  output: string;
}

/** Runs desk.ts once; with `killAt`, SIGKILLs it a random moment after it enters that phase; `onPhase` hears every phase it enters. */
function runDesk(plan: DeskPlan, killAt?: { phase: string; withinMs: number }, onPhase: (phase: string) => void = () => undefined): Promise<DeskRun> {
  const file = join(plan.dataDir, '..', `plan-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', DESK, file], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killed = false;
    let timedOut = false;
    const kill = () => {
      if (child.exitCode === null && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const timeout = setTimeout(() => {
      output += '\n[harness] timed out';
      timedOut = true;
      kill();
    }, RUN_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      if (killAt && chunk.toString().includes(`phase ${killAt.phase}\n`)) setTimeout(kill, Math.random() * killAt.withinMs);
      for (const [, phase] of chunk.toString().matchAll(/^phase (\w+)$/gm)) onPhase(phase!);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('exit', () => {
      clearTimeout(timeout);
      rmSync(file, { force: true });
      const line = /^done (.*)$/m.exec(output)?.[1];
      resolve({ killed: killed && !timedOut, done: line ? JSON.parse(line) : null, output });
    });
  });
}

interface Desk {
  plan: Omit<DeskPlan, 'edits' | 'expectAccounts'>;
  dispose(): Promise<void>;
}

function newDesk(central: { url: string; enrolmentUrl: string; caPem: string }, code: string, username: string): Desk {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'caredesk-crash-')), 'desk');
  const keychainService = `CareDesk-crash-${randomUUID()}`;
  return {
    plan: { serverUrl: central.url, enrolmentUrl: central.enrolmentUrl, caPem: central.caPem, enrolmentCode: code, dataDir, keychainService, username, password: PASSWORD },
    async dispose() {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
      const keychain = await openOsKeychain(keychainService);
      for (const account of ['device-secret', 'device-key']) await keychain.delete(account).catch(() => false);
    },
  };
}

export interface HarnessOptions {
  /** kills per scenario */
  kills: number;
  /** customers in the central store at the start */
  customers?: number;
  /** default: all of SCENARIOS */
  scenarios?: readonly ScenarioName[];
  onProgress?: (line: string) => void;
}

export async function runCrashScenarios(options: HarnessOptions): Promise<ScenarioTally[]> {
  const wanted = options.scenarios ?? SCENARIOS;
  const tallies = wanted.some((s) => DESK_SCENARIOS.includes(s)) ? await runDeskKills({ ...options, scenarios: wanted.filter((s) => DESK_SCENARIOS.includes(s)) }) : [];
  if (wanted.includes('central mid-push')) tallies.push(await runCentralKills(options));
  return tallies;
}

/** The desk killed: a real central store in this process, the desk in a child. */
async function runDeskKills(options: HarnessOptions): Promise<ScenarioTally[]> {
  const customers = options.customers ?? 1500;
  const central = await startTestCentral({ customers, users: { 'crash.rep': 'care_rep' } });
  const code = await central.store.admin.createEnrolmentCode({ uses: 1000, hours: 24 });
  let nextCustomer = customers;
  let nextEditIndex = 10;
  const tallies: ScenarioTally[] = [];
  const progress = options.onProgress ?? (() => undefined);
  const updatesOf = async (customerId: string) =>
    (await central.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'record.update').where('entity_id', '=', customerId).where('outcome', '=', 'ok').execute()).length;
  const emailOf = async (customerId: string) => {
    const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customerId).executeTakeFirstOrThrow();
    return (JSON.parse(String(row.data)) as { email: string }).email;
  };

  // one desk for the scenarios that start from a synced cache
  const shared = newDesk(central.store, code, 'crash.rep');
  try {
    const setup = await runDesk({ ...shared.plan, edits: [], expectAccounts: [] });
    if (!setup.done) throw new Error(`the shared desk did not sync:\n${setup.output}`);

    for (const scenario of options.scenarios ?? DESK_SCENARIOS) {
      const tally: ScenarioTally = { scenario, runs: 0, killed: 0, lost: 0, doubled: 0, failedToResume: 0, failures: [] };
      // Each run counts; runs go on until `kills` of them were killed inside the phase (a child
      // that finished first proves nothing), at most four times as many. A miss narrows that
      // scenario's kill window, so short phases are hit too.
      let windowScale = 1;
      for (let run = 0; tally.killed < options.kills && run < options.kills * 4; run++) {
        let desk = shared;
        let edits: DeskPlan['edits'] = [];
        let expectAccounts: string[] = [];
        let killAt: { phase: string; withinMs: number };
        if (scenario === 'first pull') {
          desk = newDesk(central.store, code, 'crash.rep');
          expectAccounts = [demo(0), demo(customers - 1)].map((d) => d.customer.accountNumber);
          killAt = { phase: 'pull', withinMs: 900 * windowScale };
        } else if (scenario === 'push') {
          edits = [0, 1, 2].map((j) => {
            const { customer, secrets } = demo(nextEditIndex++ % customers);
            return { customerId: customer.id, pin: secrets.accountPin, email: `crash.${run}.${j}.${randomUUID().slice(0, 8)}@example.org` };
          });
          // half the kills land while the edits are queued, half while they are pushed
          killAt = run % 2 ? { phase: 'edit', withinMs: 500 * windowScale } : { phase: 'push', withinMs: 250 * windowScale };
        } else {
          const first = nextCustomer;
          await central.store.admin.seedDemo(120, { seed: DEMO_SEED, historyMonths: 2 });
          nextCustomer += 120;
          expectAccounts = [first, first + 60, first + 119].map((i) => demo(i).customer.accountNumber);
          killAt = { phase: 'pull', withinMs: 400 * windowScale };
        }
        const plan = { ...desk.plan, edits, expectAccounts };
        const before = await Promise.all(edits.map((e) => updatesOf(e.customerId)));
        const crashed = await runDesk(plan, killAt);
        const resumed = await runDesk(plan);
        tally.runs++;
        if (crashed.killed) tally.killed++;
        else windowScale *= 0.6;
        const finished = resumed.done;
        if (!finished || finished.pending > 0 || finished.rejected > 0 || finished.found < expectAccounts.length) {
          tally.failedToResume++;
          // the phases the killed run reached and the restart's last words: enough to find the cause
          const reached = crashed.output.match(/^phase \w+$/gm)?.join(' > ') ?? 'no phase';
          tally.failures.push(`${scenario} run ${run}: killed after ${reached}; restart: ${resumed.output.trim().split('\n').slice(-12).join(' | ')}`);
        }
        for (const [i, edit] of edits.entries()) {
          if ((await emailOf(edit.customerId)) !== edit.email) tally.lost++;
          if ((await updatesOf(edit.customerId)) - before[i]! > 1) tally.doubled++;
        }
        if (desk !== shared) await desk.dispose();
        progress(`${scenario}: run ${run + 1}, killed mid-phase ${tally.killed}/${options.kills}`);
      }
      tallies.push(tally);
    }
  } finally {
    await shared.dispose();
    await central.dispose();
  }
  return tallies;
}

export function formatTallies(tallies: readonly ScenarioTally[]): string {
  const rows = [['scenario', 'runs', 'killed mid-phase', 'lost', 'doubled', 'failed to resume'], ...tallies.map((t) => [t.scenario, t.runs, t.killed, t.lost, t.doubled, t.failedToResume].map(String))];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

const CENTRAL = fileURLToPath(new URL('./central.ts', import.meta.url));
/** edits queued offline and pushed as one batch, each mutation in its own transaction */
const BATCH = 30;

interface CentralChild {
  url: string;
  enrolmentUrl: string;
  /** SIGKILL; resolves once the process is gone */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts test/crash/central.ts; `onPush` hears each push request as the store logs its arrival. */
function startCentralChild(dataDir: string, ports: [api: number, enrolment: number], onPush: () => void = () => undefined): Promise<CentralChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CENTRAL, dataDir, ...ports.map(String)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the central store did not start:\n${output}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (text.includes('"msg":"request received"') && text.includes(`"route":"${API.push}"`)) onPush();
      const ready = /^ready (\S+) (\S+)$/m.exec(output);
      if (ready) {
        clearTimeout(timeout);
        resolve({
          url: ready[1]!,
          enrolmentUrl: ready[2]!,
          kill: async () => {
            if (child.exitCode === null) child.kill('SIGKILL');
            await exited;
          },
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
        output = output.replace(ready[0], '');
      }
    });
    child.on('exit', () => {
      clearTimeout(timeout);
      reject(new Error(`the central store exited:\n${output}`));
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/**
 * The central store killed while a push batch is in flight (issue 9): the desk verifies its
 * callers online, the store goes away, the desk queues BATCH edits offline, the store comes back
 * and the desk pushes them as one batch; the store is SIGKILLed a random moment after the push
 * arrives, started again, and the desk retries until nothing is pending. A kill counts as mid-batch
 * when the store held only part of the batch when it died. Then: lost, doubled, and the audit
 * chain verified end to end after every restart.
 */
async function runCentralKills(options: HarnessOptions): Promise<ScenarioTally> {
  const customers = options.customers ?? 1500;
  const progress = options.onProgress ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-crash-central-'));
  await useTestDatabase(dataDir);
  // this process reads the same database while the child writes it (SQLite's WAL, or PostgreSQL: readers see every commit)
  const store = await openCentral({ dataDir });
  await store.admin.seedDemo(customers, { seed: DEMO_SEED, historyMonths: 2 });
  await store.admin.addUser({ username: 'crash.rep', displayName: 'crash rep', role: 'care_rep', password: PASSWORD });
  const code = await store.admin.createEnrolmentCode({ uses: 1000, hours: 24 });
  const ports: [number, number] = [await freePort(), await freePort()];
  const tally: ScenarioTally = { scenario: 'central mid-push', runs: 0, killed: 0, lost: 0, doubled: 0, failedToResume: 0, failures: [] };
  let central = await startCentralChild(dataDir, ports);
  const desk = newDesk({ ...central, caPem: store.tls.caPem }, code, 'crash.rep');
  const updatesOf = async (customerId: string) =>
    (await store.db.selectFrom('audit_log').select('seq').where('action', '=', 'record.update').where('entity_id', '=', customerId).where('outcome', '=', 'ok').execute()).length;
  const emailOf = async (customerId: string) => {
    const row = await store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customerId).executeTakeFirstOrThrow();
    return (JSON.parse(String(row.data)) as { email: string }).email;
  };
  try {
    const setup = await runDesk({ ...desk.plan, edits: [], expectAccounts: [] });
    if (!setup.done) throw new Error(`the desk did not sync:\n${setup.output}`);
    let nextEditIndex = 10;
    let windowMs = 400;
    for (let run = 0; tally.killed < options.kills && run < options.kills * 4; run++) {
      const edits = Array.from({ length: BATCH }, (_, j) => {
        const { customer, secrets } = demo(nextEditIndex++ % customers);
        return { customerId: customer.id, pin: secrets.accountPin, email: `central.${run}.${j}.${randomUUID().slice(0, 8)}@example.org` };
      });
      const before = await Promise.all(edits.map((e) => updatesOf(e.customerId)));
      // the outage that makes the desk queue offline, then the kill a random moment after the batch arrives
      let outage: Promise<void> | null = null;
      let midPushKill: Promise<number> | null = null;
      const killMidPush = () =>
        new Promise<number>((resolve, reject) =>
          setTimeout(() => {
            void (async () => {
              await central.kill();
              // what the store had committed of the batch when it died
              const landed = (await Promise.all(edits.map(async (e) => (await emailOf(e.customerId)) === e.email))).filter(Boolean).length;
              central = await startCentralChild(dataDir, ports);
              return landed;
            })().then(resolve, reject);
          }, Math.random() * windowMs),
        );
      const resumed = await runDesk({ ...desk.plan, edits, expectAccounts: [], offlineEdits: true }, undefined, (phase) => {
        if (phase !== 'verified') return;
        outage = (async () => {
          await central.kill();
          central = await startCentralChild(dataDir, ports, () => (midPushKill ??= killMidPush()));
        })();
      });
      await outage;
      const landedAtKill = midPushKill ? await midPushKill : -1;
      tally.runs++;
      const midBatch = landedAtKill >= 0 && landedAtKill < BATCH;
      if (midBatch) tally.killed++;
      else windowMs *= 0.7;
      const audit = await store.admin.verifyAudit();
      const finished = resumed.done;
      if (!finished || finished.pending > 0 || finished.rejected > 0 || !audit.ok) {
        tally.failedToResume++;
        tally.failures.push(`central mid-push run ${run}: ${landedAtKill}/${BATCH} landed at the kill; audit ${JSON.stringify(audit)}; desk: ${resumed.output.trim().split('\n').slice(-12).join(' | ')}`);
      }
      for (const [i, edit] of edits.entries()) {
        if ((await emailOf(edit.customerId)) !== edit.email) tally.lost++;
        if ((await updatesOf(edit.customerId)) - before[i]! > 1) tally.doubled++;
      }
      progress(`central mid-push: run ${run + 1}, ${landedAtKill}/${BATCH} of the batch held at the kill, killed mid-batch ${tally.killed}/${options.kills}`);
    }
  } finally {
    await central.stop().catch(() => undefined);
    await desk.dispose();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return tally;
}
