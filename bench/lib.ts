import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { startCentralStore } from '../central';
import type { SessionState } from '../domain/console/contract';
import type { DemoOptions } from '../domain/demo/generator';
import { openCache, type WorkstationCache } from '../electron/core/cache';
import { createDeviceRequest } from '../electron/core/device/identity';
import { CentralClient } from '../electron/core/sync/centralClient';
import { SyncEngine } from '../electron/core/sync/engine';

export const BENCH_PASSWORD = 'bench password 2026';

export function argCount(fallback = 100_000): number {
  const arg = process.argv.slice(2).find((a) => /^\d[\d_]*$/.test(a));
  return arg ? Number(arg.replace(/_/g, '')) : fallback;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface BenchCentral {
  url: string;
  /** devices enrol on their own port (they have no certificate yet) */
  enrolmentUrl: string;
  caPem: string;
  enrolmentCode: string;
  stop(): Promise<void>;
}

/**
 * Seeds `customers` demo customers in a fresh central store, then serves it from a child process
 * so the store and the workstation each have a core, as on a real desk and server.
 */
export async function startBenchCentral(customers: number, log: (line: string) => void, surnames: DemoOptions['surnames'] = 'english'): Promise<BenchCentral> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-bench-central-'));
  const setup = await startCentralStore({ dataDir, port: 0 });
  const started = performance.now();
  await setup.admin.seedDemo(customers, { seed: 1, historyMonths: 0, surnames, onProgress: undefined });
  log(`seeded ${fmt(customers)} customers in ${fmt((performance.now() - started) / 1000, 1)} s`);
  await setup.admin.addUser({ username: 'bench.rep', displayName: 'Bench Rep', role: 'care_rep', password: BENCH_PASSWORD });
  const enrolmentCode = await setup.admin.createEnrolmentCode({ uses: 10, hours: 1 });
  const caPem = setup.caPem;
  await setup.close();

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'central/cli.ts', 'serve', '--data-dir', dataDir, '--port', '0'], {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // enrolment has a listener of its own (domain/sync/protocol.ts, ENROLMENT_PORT_OFFSET): both URLs are read
  const [url, enrolmentUrl] = await new Promise<[string, string]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // "listening on https://… (enrolled devices) and https://… (enrolment)"
      const match = /(https:\/\/[\d.:a-z]+) \(enrolled devices\) and (https:\/\/[\d.:a-z]+)/.exec(out);
      if (match) resolve([match[1]!, match[2]!]);
    });
    child.once('exit', (code) => reject(new Error(`central store exited (${code}): ${out}`)));
  });
  return {
    url,
    enrolmentUrl,
    caPem,
    enrolmentCode,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      // a million customers' store is about 4 GiB: each run's goes with it
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An enrolled device signed in as the bench care rep: what a first sync needs (the identity, for a desk in another process). */
export async function signedInClient(central: BenchCentral): Promise<{ client: CentralClient; token: string; identity: { certificatePem: string; keyPem: string } }> {
  const { csrPem, keyPem } = await createDeviceRequest('bench desk');
  const anonymous = new CentralClient(central.enrolmentUrl, central.caPem, null);
  const enrolled = await anonymous.enrol({ code: central.enrolmentCode, deviceName: 'bench desk', csrPem });
  await anonymous.close();
  const client = new CentralClient(central.url, central.caPem, { certificatePem: enrolled.certificatePem, keyPem });
  const answer = await client.signIn({ username: 'bench.rep', password: BENCH_PASSWORD });
  // a care rep signs in with the password alone (domain/secondFactor.ts)
  if ('secondFactor' in answer) throw new Error('the bench user must be a role without a second factor');
  return { client, token: answer.token, identity: { certificatePem: enrolled.certificatePem, keyPem } };
}

/**
 * One first sync into a fresh cache (encrypted with a random key, or plain), timed: by the store's
 * snapshot (protocol 7), or by pulling the whole change log as older desks do (`by: 'pull'`).
 */
export async function firstSync(client: CentralClient, token: string, encrypted: boolean, onProgress?: (received: number, total: number) => void, by: 'snapshot' | 'pull' = 'snapshot') {
  const dir = mkdtempSync(join(tmpdir(), 'caredesk-bench-cache-'));
  const file = join(dir, 'cache.db');
  const key = encrypted ? (await import('node:crypto')).randomBytes(32) : null;
  const cache: WorkstationCache = openCache({ file, key });
  // time spent inside the cache (writing, encrypting, building indexes), apart from transport and parsing
  let cacheSeconds = 0;
  // where the desk's memory peaks: before the indexes are built at the end, or while they are
  let peakRssBeforeIndexesBytes = 0;
  // and what part of the resident memory is the JavaScript heap, when the indexes are about to be built
  let heapBeforeIndexesBytes = 0;
  let indexSeconds = 0;
  for (const method of ['applyPull', 'applySnapshotPage', 'beginInitialSync', 'finishInitialSync'] as const) {
    const original = cache[method].bind(cache) as (...args: unknown[]) => unknown;
    (cache as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const t = performance.now();
      if (method === 'finishInitialSync') {
        peakRssBeforeIndexesBytes = process.resourceUsage().maxRSS * 1024;
        heapBeforeIndexesBytes = process.memoryUsage().heapTotal;
      }
      try {
        return original(...args);
      } finally {
        cacheSeconds += (performance.now() - t) / 1000;
        if (method === 'finishInitialSync') indexSeconds += (performance.now() - t) / 1000;
      }
    };
  }
  const clientId = randomUUID();
  cache.setMeta('client_id', clientId);
  await client.registerClient(token, clientId);
  let rows = 0;
  const engine = new SyncEngine({
    cache,
    client,
    role: 'care_rep',
    clientId,
    token: () => token,
    clock: () => new Date(),
    onStatus: (s) => {
      if (s.progress) {
        rows = s.progress.received;
        onProgress?.(s.progress.received, s.progress.total);
      }
    },
    onRecordsChanged: () => undefined,
    onRevoked: () => undefined,
    onSignInNeeded: () => undefined,
    firstSyncBy: by,
  });
  const started = performance.now();
  await engine.syncNow();
  const seconds = (performance.now() - started) / 1000;
  const status = engine.status();
  if (status.error) throw new Error(`sync failed: ${status.error}`);
  await engine.stop();
  return { seconds, cacheSeconds, rows, cache, file, dir, key, peakRssBeforeIndexesBytes, heapBeforeIndexesBytes, indexSeconds };
}

export type { SessionState };
