import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../domain/roles';
import type { ProtocolRange } from '../../domain/sync/protocol';
import { startCentralStore, type CentralStore } from '../../central';
import { useTestDatabase } from './testDatabase';

export const DEMO_SEED = 20261128;
export const PASSWORD = 'correct horse battery staple';

export interface TestCentral {
  store: CentralStore;
  dataDir: string;
  port: number;
  /** a multi-use enrolment code for test workstations */
  enrolmentCode: string;
  /** stops the store, keeping its data dir: an outage */
  stop(): Promise<void>;
  /** starts it again on the same ports and data dir; `changes`: e.g. an updated store that speaks other protocol versions */
  restart(changes?: { protocols?: ProtocolRange }): Promise<void>;
  dispose(): Promise<void>;
}

/** A real central store over TLS on loopback, with demo customers and one user per given name; `clock` is the store's own. */
export async function startTestCentral(options: { customers: number; users: Record<string, Role>; clock?: () => Date; heartbeatMs?: number }): Promise<TestCentral> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-central-'));
  await useTestDatabase(dataDir);
  const storeOptions = { ...(options.clock ? { clock: options.clock } : {}), ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}) };
  let store = await startCentralStore({ dataDir, port: 0, ...storeOptions });
  const port = Number(new URL(store.url).port);
  const enrolmentPort = Number(new URL(store.enrolmentUrl).port);
  await store.admin.seedDemo(options.customers, { seed: DEMO_SEED, historyMonths: 2 });
  for (const [username, role] of Object.entries(options.users)) {
    await store.admin.addUser({ username, displayName: username.replace('.', ' '), role, password: PASSWORD });
  }
  const enrolmentCode = await store.admin.createEnrolmentCode({ uses: 50, hours: 24 });
  let running = true;
  const central: TestCentral = {
    get store() {
      return store;
    },
    dataDir,
    port,
    enrolmentCode,
    async stop() {
      if (running) await store.close();
      running = false;
    },
    async restart(changes = {}) {
      if (running) await store.close();
      store = await startCentralStore({ dataDir, port, enrolmentPort, ...storeOptions, ...changes });
      running = true;
    },
    async dispose() {
      if (running) await store.close();
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return central;
}
