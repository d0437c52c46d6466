import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelInput, ChannelOutput, ConsoleEvent, EventPayload } from '../../domain/console/contract';
import { fromErrorBody } from '../../domain/errors';
import { createWorkstationCore, type WorkstationCore } from '../../electron/core';
import type { SyncTuning } from '../../electron/core/config';
import { openOsKeychain } from '../../electron/core/keychain';

/** Argon2id cost for tests: the real algorithm, lighter memory, so suites stay quick. */
export const TEST_KDF = { memoryKiB: 8192, iterations: 2, parallelism: 1 };

export interface TestWorkstation {
  core: WorkstationCore;
  dataDir: string;
  keychainService: string;
  call<C extends Channel>(channel: C, input?: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** resolves with the first event of `name` for which `match` holds */
  next<E extends ConsoleEvent>(name: E, match?: (payload: EventPayload<E>) => boolean, timeoutMs?: number): Promise<EventPayload<E>>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export interface WorkstationOptions {
  serverUrl: string;
  /** the store's enrolment listener (TestCentral: store.enrolmentUrl) */
  enrolmentUrl?: string;
  caPem: string;
  enrolmentCode?: string;
  deviceName?: string;
  clock?: () => Date;
  dataDir?: string;
  keychainService?: string;
  sync?: SyncTuning;
}

/** A workstation core as Electron's main process builds it, with the real OS keychain. */
export async function startWorkstation(options: WorkstationOptions): Promise<TestWorkstation> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'caredesk-ws-'));
  const keychainService = options.keychainService ?? `CareDesk-test-${randomUUID()}`;
  const build = () =>
    createWorkstationCore({
      dataDir,
      serverUrl: options.serverUrl,
      ...(options.enrolmentUrl ? { enrolmentUrl: options.enrolmentUrl } : {}),
      caPem: options.caPem,
      keychainService,
      deviceName: options.deviceName ?? 'test workstation',
      ...(options.enrolmentCode ? { enrolmentCode: options.enrolmentCode } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.sync ? { sync: options.sync } : {}),
      kdf: TEST_KDF,
    });
  const ws: TestWorkstation = {
    core: await build(),
    dataDir,
    keychainService,
    async call(channel, input) {
      const result = await ws.core.dispatch(channel, input ?? {});
      if (!result.ok) throw fromErrorBody(result.error as never);
      return result.value as never;
    },
    next(name, match = () => true, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no ${name} event within ${timeoutMs} ms`));
        }, timeoutMs);
        const off = ws.core.events.on((event, payload) => {
          if ((event as string) === name && match(payload as never)) {
            clearTimeout(timer);
            off();
            resolve(payload as never);
          }
        });
      });
    },
    async restart() {
      await ws.core.close();
      ws.core = await build();
    },
    async dispose() {
      await ws.core.close().catch(() => undefined);
      const keychain = await openOsKeychain(keychainService);
      for (const account of ['device-secret', 'device-key']) await keychain.delete(account).catch(() => false);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ws;
}

/** Polls `check` until it returns a truthy value. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
