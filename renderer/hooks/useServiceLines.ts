import { useQuery } from '@tanstack/react-query';
import type { ChannelInput } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { queryKeys } from './queries';

/** Network operations' service lines as the core lists them from the cache, reloaded whenever a line or a customer changes (coreEvents.ts). */
export function useServiceLines(query: ChannelInput<'serviceLines.list'> | null) {
  const result = useQuery({ queryKey: queryKeys.serviceLineList(query ?? {}), queryFn: () => invoke('serviceLines.list', query!), enabled: query !== null, gcTime: 0 });
  return { listing: result.data ?? null, error: result.error ? messageOf(result.error) : null };
}
