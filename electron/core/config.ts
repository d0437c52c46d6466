import type { ClientTimeouts } from './sync/centralClient';

/**
 * What a workstation is told by whoever deploys it (IT, or `npm start` in development): where the
 * central store is and which CA to pin. Nothing here is secret; secrets live in the OS keychain.
 */
export interface WorkstationConfig {
  /** one folder per workstation OS user: device certificate, per-user vaults and caches */
  dataDir: string;
  /** https://host:port of the central store's API (enrolled devices) */
  serverUrl: string;
  /** https://host:port of its enrolment listener; by default the API's port + 1 (defaultEnrolmentUrl) */
  enrolmentUrl?: string;
  /** the organisation CA, pinned: the only CA trusted for the central store (DESIGN §1) */
  caPem: string;
  /** the OS keychain service name the workstation's secrets are kept under */
  keychainService: string;
  /** shown to the admin in the device list */
  deviceName: string;
  /** an enrolment code provisioned by IT, used once if the device has no certificate yet */
  enrolmentCode?: string;
  /** how the core tells time (tests move it) */
  clock?: () => Date;
  /** Argon2id cost of the vault (tests lower it; production keeps the default) */
  kdf?: { memoryKiB: number; iterations: number; parallelism: number };
  /** sync pacing (tests shorten it; production keeps the defaults) */
  sync?: SyncTuning;
}

export interface SyncTuning {
  /** backoff between failed syncs */
  retry?: { baseMs: number; maxMs: number };
  /** rows applied to the cache per transaction */
  batchSize?: number;
  /** rows per pull response */
  pullLimit?: number;
  /** how long a stalled connection is waited on (DEFAULT_TIMEOUTS in sync/centralClient.ts) */
  timeouts?: Partial<ClientTimeouts>;
}
