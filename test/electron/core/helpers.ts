import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoCustomer, type DemoCustomer } from '../../../domain/demo/generator';
import type { PullChange } from '../../../domain/sync/protocol';
import { createWorkstationCore, type WorkstationCore } from '../../../electron/core';
import { MemoryKeychain, openOsKeychain, type Keychain } from '../../../electron/core/keychain';
import type { Argon2Params } from '../../../electron/core/vault';

/** Cheap Argon2id cost for tests of logic; one vault test runs the real default. */
export const TEST_KDF: Argon2Params = { memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 };

export const DEMO = { seed: 1, historyMonths: 0 } as const;

const here = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'caredesk-core-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The real OS keychain under a service name of this test run only, and a way to clear what it left. */
export async function testKeychain(): Promise<{ keychain: Keychain; service: string; clear: () => Promise<void> }> {
  const service = `caredesk-test-${randomUUID()}`;
  const keychain = await openOsKeychain(service);
  return {
    keychain,
    service,
    clear: async () => {
      await keychain.delete('device-secret');
    },
  };
}

/** What a care rep's first pull carries for demo customers: the customer, its service lines, its billing account. */
export function customerPuts(from: number, count: number, firstSeq = 1): { changes: PullChange[]; customers: DemoCustomer[] } {
  const changes: PullChange[] = [];
  const customers: DemoCustomer[] = [];
  let seq = firstSeq;
  for (let i = from; i < from + count; i++) {
    const demo = demoCustomer(i, DEMO);
    customers.push(demo);
    const id = demo.customer.id;
    changes.push({ t: 'put', seq: seq++, entity: 'customer', id, customerId: id, data: demo.customer });
    for (const line of demo.serviceLines) changes.push({ t: 'put', seq: seq++, entity: 'serviceLine', id: line.id, customerId: id, data: line });
    changes.push({ t: 'put', seq: seq++, entity: 'billingAccount', id: demo.billingAccount.id, customerId: id, data: demo.billingAccount });
  }
  return { changes, customers };
}

export function put(seq: number, entity: PullChange['entity'], data: Record<string, unknown> & { id: string }, customerId: string | null): PullChange {
  return { t: 'put', seq, entity, id: data.id, customerId, data };
}

/** The strings of a customer that must never be readable in a cache file. */
export function piiOf(demo: DemoCustomer): string[] {
  const c = demo.customer;
  return [
    c.email,
    `${c.firstName} ${c.lastName}`.toLowerCase(),
    `${c.lastName} ${c.firstName}`.toLowerCase(),
    ...[c.firstName, c.lastName].filter((name) => name.length >= 6),
    ...c.phones.flatMap((p) => [p.number, p.number.slice(2)]),
    c.serviceAddress.line1,
  ];
}

/** Which of `needles` occur as UTF-8 bytes in any of `files`. */
export function plaintextFound(files: string[], needles: string[]): string[] {
  const contents = files.filter((f) => existsSync(f)).map((f) => readFileSync(f));
  return needles.filter((needle) => contents.some((bytes) => bytes.includes(Buffer.from(needle, 'utf8'))));
}

export function sha256(file: string): string | null {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
}

/** Hashes of a cache file and the companions that hold its pages (the -shm file is only SQLite's index of the WAL). */
export function cacheFileHashes(file: string): Record<string, string | null> {
  return Object.fromEntries(['', '-wal', '-journal'].map((suffix) => [`cache.db${suffix}`, sha256(`${file}${suffix}`)]));
}

/** Runs a fixture script in a child Node process (TypeScript through tsx). */
export function runFixture(script: string, env: NodeJS.ProcessEnv, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'fixtures', script), ...args], {
    cwd: join(here, '..', '..', '..'),
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A core with no central store reachable and no one signed in: what the console-input tests hit.
 * Input is refused before any session or network is touched, so no keychain of the OS is needed.
 */
export async function signedOutCore(name: string): Promise<{ core: WorkstationCore; dispose(): Promise<void> }> {
  const dataDir = tempDir();
  const core = await createWorkstationCore(
    { dataDir, serverUrl: 'https://127.0.0.1:9', caPem: '', keychainService: `CareDesk-${name}`, deviceName: name },
    { keychain: new MemoryKeychain() },
  );
  return { core, dispose: () => core.close() };
}
