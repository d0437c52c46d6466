/**
 * What the store tells live connections (DESIGN §5): the change log advanced, or some sessions
 * ended. The in-process feed reaches this process's streams at once; `storeWatch.ts` brings in
 * what other processes on the same database wrote (the admin CLI, another node), within about a
 * second. With several nodes on PostgreSQL, a feed over LISTEN/NOTIFY takes the place of both
 * behind this interface: publish becomes NOTIFY in the writing transaction, every node LISTENs.
 */
import type { RevocationScope } from '../../domain/sync/protocol';

export type StoreSignal =
  | { kind: 'advanced'; head: number }
  /** `seq`: the revocation's number in the `revocations` table (identity/revocations.ts) */
  | { kind: 'revoked'; seq: number; sessions: readonly string[]; scope: RevocationScope; reason: string };

export interface ChangeFeed {
  publish(signal: StoreSignal): void;
  /** returns the unsubscribe function */
  subscribe(listener: (signal: StoreSignal) => void): () => void;
}

export function inProcessChangeFeed(): ChangeFeed {
  const listeners = new Set<(signal: StoreSignal) => void>();
  return {
    publish(signal) {
      for (const listener of [...listeners]) listener(signal);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
