import { useCallback, useEffect, useRef, useState } from 'react';
import type { PendingChange } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { useConfirmedChanges } from './useConfirmedChanges';
import { useConsoleEvent } from './useConsoleEvent';

/**
 * A view of one customer that the core computes for this role (the profile, the billing tab):
 * loaded when the customer opens, refreshed when the core says the customer changed (a pull, a
 * push result), noticing which pending changes the central store has since confirmed.
 */
export function useCustomerView<V extends { changes: readonly PendingChange[] }>(customerId: string | null, load: (customerId: string) => Promise<V>) {
  const [view, setView] = useState<V | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { confirmed, see, reset } = useConfirmedChanges();
  const loadRef = useRef(load);
  loadRef.current = load;

  const accept = useCallback(
    (next: V) => {
      see(next.changes);
      setView(next);
    },
    [see],
  );

  useEffect(() => {
    setView(null);
    setError(null);
    reset();
    if (!customerId) return;
    let live = true;
    loadRef.current(customerId).then(
      (v) => live && accept(v),
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [customerId, accept, reset]);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useConsoleEvent('customers.changed', ({ ids }) => {
    if (!customerId || !ids.includes(customerId) || refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      loadRef.current(customerId).then(accept, (err) => setError(messageOf(err)));
    }, 50);
  });
  useEffect(() => () => void (refreshTimer.current && clearTimeout(refreshTimer.current)), []);

  /** drops a rejected change from the list once the user has read why */
  const dismiss = useCallback(async (mutationId: string) => {
    await invoke('changes.dismiss', { mutationId });
    setView((v) => (v ? { ...v, changes: v.changes.filter((c) => c.mutationId !== mutationId) } : v));
  }, []);

  return { view, setView, error, confirmed, accept, dismiss };
}
