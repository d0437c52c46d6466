/**
 * What the store tells live connections (DESIGN §5): the change log advanced, or some sessions
 * ended. One node keeps it in memory; with several nodes on PostgreSQL, an implementation over
 * LISTEN/NOTIFY takes its place behind this interface.
 */
import type { RevocationScope } from '../../domain/sync/protocol';

export type StoreSignal =
  | { kind: 'advanced'; head: number }
  | { kind: 'revoked'; sessions: readonly string[]; scope: RevocationScope; reason: string };

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
