import { useCallback, useEffect, useState } from 'react';
import type { ConflictView } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { useConsoleEvent } from './useConsoleEvent';

/** The rep's unresolved conflicts; reloaded whenever the outbox's conflict count moves. */
export function useConflicts() {
  const [conflicts, setConflicts] = useState<ConflictView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [count, setCount] = useState<number | null>(null);

  const load = useCallback(() => {
    invoke('conflicts.list', {}).then(
      (list) => {
        setConflicts(list);
        setError(null);
      },
      (err) => setError(messageOf(err)),
    );
  }, []);

  useEffect(load, [load, count]);
  useConsoleEvent('sync.status', (status) => setCount(status.conflicts));

  const resolve = useCallback(async (conflict: ConflictView, keep: 'mine' | 'theirs') => {
    const list = await invoke('conflicts.resolve', { mutationId: conflict.mutationId, field: conflict.field, keep });
    setConflicts(list);
    return list;
  }, []);

  return { conflicts, error, resolve, reload: load };
}
