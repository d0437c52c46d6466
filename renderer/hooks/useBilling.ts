import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { AdjustmentKind, AdjustmentRequester } from '../../domain/entities/billing';
import { invoke } from '../api/client';
import { queryKeys } from './queries';
import { useCustomerView } from './useCustomerView';
import { useFieldEdit } from './useRecordChange';

/**
 * One customer's billing tab as the core holds it for this role, refreshed when the core says the
 * customer changed (a pull brought a new card, a credit, a confirmed address). Replacing a card and
 * recording or reversing a credit are online calls; none keeps what was typed, and each refreshes the tab.
 */
export function useBilling(customerId: string) {
  const client = useQueryClient();
  const { view: billing, error, confirmed, track, dismiss } = useCustomerView('billing', customerId, (id) => invoke('billing.open', { customerId: id }));
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.billing(customerId) });

  const cardReplacement = useMutation({
    mutationFn: ({ paymentMethodId, card }: { paymentMethodId: string; card: Record<string, unknown> }) => invoke('paymentMethod.replaceCard', { customerId, paymentMethodId, card }),
    onSuccess: refresh,
    // its variables are the card as typed, full number included (PCI DSS 3.4.1): the query client keeps no copy
    gcTime: 0,
  });
  const adjustment = useMutation({
    mutationFn: (input: { kind: AdjustmentKind; amountCents: number; reason: string; requestedBy: AdjustmentRequester }) => invoke('billingAccount.recordAdjustment', { customerId, ...input }),
    onSuccess: refresh,
  });
  const reversal = useMutation({
    mutationFn: (input: { id: string; billingAccountId: string; adjustmentId: string; reason: string }) => invoke('billingAdjustment.reverse', input),
    onSuccess: refresh,
  });

  const updateAccount = useFieldEdit('billingAccount', billing?.account?.id, track);
  const replaceCard = useCallback(
    async (paymentMethodId: string, card: Record<string, unknown>) => (await cardReplacement.mutateAsync({ paymentMethodId, card })).paymentMethod,
    [cardReplacement.mutateAsync],
  );
  const recordAdjustment = useCallback(
    async (kind: AdjustmentKind, amountCents: number, reason: string, requestedBy: AdjustmentRequester) => (await adjustment.mutateAsync({ kind, amountCents, reason, requestedBy })).adjustment,
    [adjustment.mutateAsync],
  );

  /** takes back an applied credit or adjustment with a linked reversal; `id` is the reversal's, made once by its form */
  const reverseAdjustment = useCallback(
    async (adjustmentId: string, id: string, reason: string) => {
      const billingAccountId = billing?.account?.id;
      if (!billingAccountId) throw new Error('This customer has no billing account on this desk.');
      return (await reversal.mutateAsync({ id, billingAccountId, adjustmentId, reason })).adjustment;
    },
    [reversal.mutateAsync, billing?.account?.id],
  );

  return { billing, error, confirmed, updateAccount, replaceCard, recordAdjustment, reverseAdjustment, dismiss };
}

export type BillingApi = ReturnType<typeof useBilling>;
