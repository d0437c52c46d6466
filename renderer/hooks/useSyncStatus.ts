import { useQuery } from '@tanstack/react-query';
import type { SyncStatus } from '../../domain/console/contract';
import { invoke } from '../api/client';
import { queryKeys } from './queries';

/** Online state, last sync, outbox counts and first-sync progress: asked once, then pushed by the core (coreEvents.ts). */
export function useSyncStatus(): SyncStatus | null {
  return useQuery({ queryKey: queryKeys.syncStatus, queryFn: () => invoke('sync.status', {}) }).data ?? null;
}
