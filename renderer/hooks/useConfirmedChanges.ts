import { useCallback, useRef, useState } from 'react';
import type { PendingChange } from '../../domain/console/contract';

export interface ConfirmedChange {
  mutationId: string;
  fields: string[];
  reason: string;
  confirmedAt: Date;
}

/**
 * Notices when a pending change has left the outbox without a conflict or a rejection: the central
 * store applied it. `see` takes each fresh list of changes; `confirmed` lists those gone since.
 */
export function useConfirmedChanges() {
  const [confirmed, setConfirmed] = useState<ConfirmedChange[]>([]);
  const pending = useRef(new Map<string, PendingChange>());

  const see = useCallback((changes: readonly PendingChange[]) => {
    const stillThere = new Set(changes.map((c) => c.mutationId));
    const done = [...pending.current.values()].filter((c) => !stillThere.has(c.mutationId));
    if (done.length) {
      const at = new Date();
      setConfirmed((list) => [...done.map((c) => ({ mutationId: c.mutationId, fields: c.fields, reason: c.reason, confirmedAt: at })), ...list]);
    }
    pending.current = new Map(changes.filter((c) => c.status === 'pending').map((c) => [c.mutationId, c]));
  }, []);

  /** a change just queued on this desk: watched from now, even if the central store takes it before the view reloads */
  const track = useCallback((change: PendingChange) => {
    pending.current.set(change.mutationId, change);
  }, []);

  const reset = useCallback(() => {
    setConfirmed([]);
    pending.current = new Map();
  }, []);

  return { confirmed, see, track, reset };
}
