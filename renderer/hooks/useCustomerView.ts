import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { PendingChange } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { useConfirmedChanges } from './useConfirmedChanges';
import { queryKeys } from './queries';

/**
 * A view of one customer that the core computes for this role (the profile, the billing tab), as a
 * query: loaded when the customer opens, refreshed when the core says the customer changed (a pull,
 * a push result; coreEvents.ts), noticing which pending changes the central store has since
 * confirmed. `customerId` is null while no customer is open.
 */
export function useCustomerView<V extends { changes: readonly PendingChange[] }>(kind: 'customer' | 'billing', customerId: string | null, load: (customerId: string) => Promise<V>) {
  const client = useQueryClient();
  const key = customerId ? queryKeys[kind](customerId) : null;
  // opened afresh each time (opening is a read the core records), never from a cache of earlier visits
  const query = useQuery({ queryKey: key ?? ['no customer'], queryFn: () => load(customerId!), enabled: key !== null, gcTime: 0 });
  const view = key ? (query.data ?? null) : null;
  const { confirmed, see, track, reset } = useConfirmedChanges();

  useEffect(reset, [customerId, reset]);
  useEffect(() => {
    if (view) see(view.changes);
  }, [view, see]);

  const setView = useCallback(
    (update: (view: V | undefined) => V | undefined) => void (customerId && client.setQueryData<V>(queryKeys[kind](customerId), update)),
    [client, kind, customerId],
  );

  /** drops a rejected change from the list once the user has read why */
  const dismiss = useCallback(
    async (mutationId: string) => {
      await invoke('changes.dismiss', { mutationId });
      setView((v) => (v ? { ...v, changes: v.changes.filter((c) => c.mutationId !== mutationId) } : v));
    },
    [setView],
  );

  return { view, setView, error: key && query.error ? messageOf(query.error) : null, confirmed, track, dismiss };
}
