import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { ChangeReceipt, ChannelInput, PendingChange } from '../../domain/console/contract';
import type { EntityName } from '../../domain/entities';
import { editOperationFor } from '../../domain/operations';
import { invoke } from '../api/client';
import { refreshRecords } from './coreEvents';

/**
 * Every offline operation (domain/operations.ts) from the renderer: one call, and once the core has
 * queued it, what shows the record reloads before the promise resolves (the change applied, pending).
 * `onQueued` hears of the queued change first, so a view can watch it even when the central store
 * takes it before the view has reloaded.
 */
export function useRecordChange(onQueued?: (change: PendingChange) => void) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (input: ChannelInput<'records.change'>) => invoke('records.change', input),
    onSuccess: (receipt: ChangeReceipt) => {
      onQueued?.(receipt.change);
      return refreshRecords(client, [receipt]);
    },
  });
  return mutation.mutateAsync;
}

/**
 * An edit of fields of one record, as a view's editor makes it: the operation is the declared edit
 * of those fields, so the editor names fields and never an operation. Resolves to the mutation id.
 */
export function useFieldEdit(entity: EntityName, id: string | null | undefined, onQueued?: (change: PendingChange) => void) {
  const change = useRecordChange(onQueued);
  return useCallback(
    // `holdUnverified` (issue 16): offline with no verified caller, the correction is held unverified
    async (values: Record<string, unknown>, reason: string, options: { holdUnverified?: true } = {}) => {
      const operation = editOperationFor(entity, Object.keys(values));
      if (!id || !operation) throw new Error(id ? `no declared operation edits ${Object.keys(values).join(', ')} of a ${entity}` : `no ${entity} open`);
      return (await change({ operation, id, values, reason, ...options })).mutationId;
    },
    [change, entity, id],
  );
}
