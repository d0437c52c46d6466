import { useQueryClient } from '@tanstack/react-query';
import type { PendingChange } from '../../domain/console/contract';
import type { EntityName } from '../../domain/entities';
import { invoke } from '../api/client';
import { queryKeys } from '../hooks/queries';
import { Button } from './Button';
import { Notice } from './Notice';

/**
 * This user's last change of a queue's record on the desk: on its way to the central store, or
 * refused by it with the reason (and dismissed once read). Nothing once the store has it.
 */
export function QueuedChange({ entity, change, pending = 'On its way to the central store.', refused = 'The central store refused it' }: {
  entity: EntityName;
  change: PendingChange | undefined;
  pending?: string;
  /** what comes before the store's reason */
  refused?: string;
}) {
  const client = useQueryClient();
  if (!change) return null;
  if (change.status === 'pending') return <Notice tone="info">{pending}</Notice>;
  if (change.status === 'rejected' && change.rejection) {
    return (
      <div className="decision-refused">
        <Notice tone="bad" assertive>
          {refused}: {change.rejection.message}
        </Notice>
        <Button variant="ghost" onClick={() => void invoke('changes.dismiss', { mutationId: change.mutationId }).then(() => client.invalidateQueries({ queryKey: queryKeys.records(entity) }))}>
          Dismiss
        </Button>
      </div>
    );
  }
  return null;
}
