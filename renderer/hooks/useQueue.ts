import { useQuery } from '@tanstack/react-query';
import type { QueueEntity } from '../../domain/operations';
import { invoke, messageOf } from '../api/client';
import { queryKeys } from './queries';

/** A queue's records as the core holds them for this role, reloaded whenever a record of it changes (coreEvents.ts). */
export function useQueue(entity: QueueEntity) {
  const query = useQuery({ queryKey: queryKeys.records(entity), queryFn: () => invoke('records.list', { entity }), gcTime: 0 });
  return { items: query.data ?? null, error: query.error ? messageOf(query.error) : null };
}
