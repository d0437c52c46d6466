import type { QueryClient } from '@tanstack/react-query';
import type { RecordRef } from '../../domain/console/contract';
import { onEvent } from '../api/client';
import { queryKeys } from './queries';

/**
 * What a change to these records makes stale: the views of each record's customer (its profile and
 * its billing tab), the lists of each record's entity, each record's history, and the open search. Resolves when the open
 * ones have reloaded.
 */
export function refreshRecords(client: QueryClient, records: readonly RecordRef[]): Promise<unknown> {
  const customers = new Set(records.flatMap((r) => (r.customerId ? [r.customerId] : [])));
  const entities = new Set(records.map((r) => r.entity));
  return Promise.all([
    ...[...customers].flatMap((id) => [client.invalidateQueries({ queryKey: queryKeys.customer(id) }), client.invalidateQueries({ queryKey: queryKeys.billing(id) })]),
    ...[...entities].map((entity) => client.invalidateQueries({ queryKey: queryKeys.records(entity) })),
    ...records.map((r) => client.invalidateQueries({ queryKey: queryKeys.history(r.entity, r.id) })),
    client.invalidateQueries({ queryKey: queryKeys.searches }),
    ...(entities.has('serviceLine') || entities.has('customer') ? [client.invalidateQueries({ queryKey: queryKeys.serviceLines })] : []),
  ]);
}

/**
 * The core's events turned into cache updates, once for the whole renderer: changed records refresh
 * what shows them (refreshRecords); the sync status is stored as pushed and
 * reloads the conflicts when their count moves and the search when a first sync ends; the session
 * state is stored as pushed. Returns the unsubscribe.
 */
export function followCoreEvents(client: QueryClient): () => void {
  // a pull often names the same records several times in a burst: one refresh for the burst
  let changed: RecordRef[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const offRecords = onEvent('records.changed', ({ records }) => {
    changed.push(...records);
    timer ??= setTimeout(() => {
      const burst = changed;
      changed = [];
      timer = null;
      void refreshRecords(client, burst);
    }, 50);
  });

  let conflicts: number | null = null;
  let syncing = false;
  const offSync = onEvent('sync.status', (status) => {
    client.setQueryData(queryKeys.syncStatus, status);
    if (status.conflicts !== conflicts) void client.invalidateQueries({ queryKey: queryKeys.conflicts });
    conflicts = status.conflicts;
    if (syncing && !status.progress) void client.invalidateQueries({ queryKey: queryKeys.searches });
    syncing = !!status.progress;
  });

  const offSession = onEvent('session.changed', (session) => client.setQueryData(queryKeys.session, session));

  return () => {
    offRecords();
    offSync();
    offSession();
    if (timer) clearTimeout(timer);
  };
}
