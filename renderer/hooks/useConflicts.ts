import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConflictView } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { queryKeys } from './queries';

/** The rep's unresolved conflicts; reloaded whenever the outbox's conflict count moves (coreEvents.ts). */
export function useConflicts() {
  const client = useQueryClient();
  // loaded afresh each time the view opens, as a list the rep acts on must be the core's current one
  const query = useQuery({ queryKey: queryKeys.conflicts, queryFn: () => invoke('conflicts.list', {}), gcTime: 0 });
  const resolution = useMutation({
    mutationFn: ({ conflict, keep }: { conflict: ConflictView; keep: 'mine' | 'theirs' }) => invoke('conflicts.resolve', { mutationId: conflict.mutationId, field: conflict.field, keep }),
    onSuccess: (list) => client.setQueryData(queryKeys.conflicts, list),
  });
  const escalation = useMutation({
    mutationFn: ({ conflict, note }: { conflict: ConflictView; note: string }) => invoke('conflicts.escalate', { mutationId: conflict.mutationId, field: conflict.field, note }),
    onSuccess: (list) => client.setQueryData(queryKeys.conflicts, list),
  });

  return {
    conflicts: query.data ?? null,
    error: query.error ? messageOf(query.error) : null,
    resolve: (conflict: ConflictView, keep: 'mine' | 'theirs') => resolution.mutateAsync({ conflict, keep }),
    /** a supervisor decides: the store holds my value for their review */
    escalate: (conflict: ConflictView, note: string) => escalation.mutateAsync({ conflict, note }),
    reload: () => void query.refetch(),
  };
}
