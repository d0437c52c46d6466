import type { QueryClient } from '@tanstack/react-query';
import { onEvent } from '../api/client';
import { queryKeys } from './queries';

/**
 * The core's events turned into cache updates, once for the whole renderer: a changed customer
 * refreshes its profile, its billing and the open search; the sync status is stored as pushed and
 * reloads the conflicts when their count moves and the search when a first sync ends; the session
 * state is stored as pushed. Returns the unsubscribe.
 */
export function followCoreEvents(client: QueryClient): () => void {
  // a pull often names the same customer several times in a burst: one refresh for the burst
  let changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const offCustomers = onEvent('customers.changed', ({ ids }) => {
    for (const id of ids) changed.add(id);
    timer ??= setTimeout(() => {
      const burst = changed;
      changed = new Set();
      timer = null;
      for (const id of burst) {
        void client.invalidateQueries({ queryKey: queryKeys.customer(id) });
        void client.invalidateQueries({ queryKey: queryKeys.billing(id) });
      }
      void client.invalidateQueries({ queryKey: queryKeys.searches });
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
    offCustomers();
    offSync();
    offSession();
    if (timer) clearTimeout(timer);
  };
}
