import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Role } from '../../domain/roles';
import type { SyncStatus } from '../../domain/console/contract';
import { CACHE_CIPHER, openCache, type WorkstationCache } from '../../electron/core/cache';
import { createDeviceRequest } from '../../electron/core/device/identity';
import { CentralClient } from '../../electron/core/sync/centralClient';
import { SyncEngine, type SyncEngineDeps } from '../../electron/core/sync/engine';
import { PASSWORD, type TestCentral } from './central';

/** A desk signed in as `username` through `serverUrl` (the store, or a relay in front of it), and its own encrypted cache. */
export interface EngineDesk {
  cache: WorkstationCache;
  engine: SyncEngine;
  client: CentralClient;
  /** the URL query of each snapshot response it asked for */
  snapshots: string[];
  statuses: SyncStatus[];
  /** the cache's pulled records and search keys, read from its file (close the cache first) */
  contents(): CacheRecords;
  dispose(): Promise<void>;
}

export interface CacheRecords {
  records: { entity: string; id: string; customer_id: string | null; seq: number; data: string }[];
  search: Record<string, unknown>[];
}

export async function engineDesk(
  central: TestCentral,
  options: { username: string; role: Role; serverUrl?: string; engine?: Partial<SyncEngineDeps>; identity?: { certificatePem: string; keyPem: string } },
): Promise<EngineDesk & { identity: { certificatePem: string; keyPem: string } }> {
  const dir = mkdtempSync(join(tmpdir(), 'caredesk-desk-'));
  const identity = options.identity ?? (await enrolledIdentity(central));
  const client = new CentralClient(options.serverUrl ?? central.store.url, central.store.caPem, identity);
  const snapshots: string[] = [];
  const original = client.snapshot.bind(client);
  client.snapshot = (token, query, handlers, signal) => {
    snapshots.push(JSON.stringify({ at: query.at, after: query.after }));
    return original(token, query, handlers, signal);
  };
  const answer = await client.signIn({ username: options.username, password: PASSWORD });
  if ('secondFactor' in answer) throw new Error('use a role that signs in with the password alone');
  const key = randomBytes(32);
  const file = join(dir, 'cache.db');
  const cache = openCache({ file, key });
  const clientId = randomUUID();
  cache.setMeta('client_id', clientId);
  await client.registerClient(answer.token, clientId);
  const statuses: SyncStatus[] = [];
  const engine = new SyncEngine({
    cache,
    client,
    role: options.role,
    clientId,
    token: () => answer.token,
    clock: () => new Date(),
    onStatus: (s) => statuses.push(s),
    onRecordsChanged: () => undefined,
    onRevoked: () => undefined,
    onSignInNeeded: () => undefined,
    retry: { baseMs: 60_000, maxMs: 60_000 },
    ...options.engine,
  });
  return {
    cache,
    engine,
    client,
    snapshots,
    statuses,
    identity,
    contents: () => readCache(file, key),
    async dispose() {
      await engine.stop();
      if (cache.isOpen) cache.close();
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A device certificate enrolled at the store, with its key. */
export async function enrolledIdentity(central: TestCentral) {
  const { csrPem, keyPem } = await createDeviceRequest('synced desk');
  const anonymous = new CentralClient(central.store.enrolmentUrl, central.store.caPem, null);
  const enrolled = await anonymous.enrol({ code: central.enrolmentCode, deviceName: 'synced desk', csrPem });
  await anonymous.close();
  return { certificatePem: enrolled.certificatePem, keyPem };
}

/** Every pulled record (its stored text as is) and every customer's search keys, in a stable order. */
function readCache(file: string, key: Buffer): CacheRecords {
  const db = new Database(file, { readonly: true });
  try {
    db.pragma(`cipher = '${CACHE_CIPHER}'`);
    db.pragma(`key = "x'${key.toString('hex')}'"`);
    const records = db.prepare('SELECT b.entity, b.id, b.customer_id, r.seq, b.data FROM record AS r JOIN record_body AS b ON b.rid = r.rid ORDER BY b.entity, b.id').all() as CacheRecords['records'];
    const search = db.prepare('SELECT customer_id, name_lf, name_fl, email, account, phones FROM customer_search ORDER BY customer_id').all() as Record<string, unknown>[];
    return { records, search };
  } finally {
    db.close();
  }
}
