import { QueryClient } from '@tanstack/react-query';
import type { EntityName } from '../../domain/entities';
import type { SearchKindOption } from './useCustomerSearch';

/** One key per thing the core computes for the renderer; the core's events invalidate them (coreEvents.ts). */
export const queryKeys = {
  session: ['session'] as const,
  syncStatus: ['sync.status'] as const,
  queuedChanges: ['changes.list'] as const,
  customer: (customerId: string) => ['customer', customerId] as const,
  billing: (customerId: string) => ['billing', customerId] as const,
  /** a caller's attempts left, read from the central store (counted there across all users) */
  verificationAttempts: (customerId: string) => ['verificationAttempts', customerId] as const,
  /** lists of one entity's records (queues); any change to a record of it makes them stale */
  records: (entity: EntityName) => ['records', entity] as const,
  /** a record's change history, read from the central store */
  history: (entity: EntityName, id: string) => ['history', entity, id] as const,
  /** network operations' lists of service lines (a status's, the E911 review queue, a customer's): any line or customer change makes them stale */
  serviceLines: ['serviceLines'] as const,
  serviceLineList: (query: object) => ['serviceLines', query] as const,
  conflicts: ['conflicts'] as const,
  /** what an administrator reads online from the central store (issue 14): staff and teams, workstations, codes and the session policy */
  adminUsers: ['admin', 'users'] as const,
  adminDevices: ['admin', 'devices'] as const,
  searches: ['search'] as const,
  search: (query: string, kind: SearchKindOption) => ['search', query, kind] as const,
  // under the search's key: what invalidates the search invalidates its count
  searchCount: (query: string, kind: SearchKindOption) => ['search', query, kind, 'count'] as const,
};

/**
 * Data is fresh until the core says otherwise: no refetch on focus, reconnect or timer (the core
 * pushes what changed), and no retry (a refused call is an answer, shown as it is).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: Infinity, retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}
