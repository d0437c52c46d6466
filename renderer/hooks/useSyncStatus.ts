import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../domain/console/contract';
import { invoke } from '../api/client';
import { useConsoleEvent } from './useConsoleEvent';

/** Online state, last sync, outbox counts and first-sync progress, pushed by the core as they change. */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let live = true;
    invoke('sync.status', {}).then((s) => live && setStatus((current) => current ?? s), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  useConsoleEvent('sync.status', setStatus);
  return status;
}
