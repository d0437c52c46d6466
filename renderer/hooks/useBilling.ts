import { useCallback } from 'react';
import type { AdjustmentKind } from '../../domain/entities/billing';
import { invoke } from '../api/client';
import { useCustomerView } from './useCustomerView';

/**
 * One customer's billing tab as the core holds it for this role, refreshed when the core says the
 * customer changed (a pull brought a new card, a credit, a confirmed address). Replacing a card and
 * recording a credit are online calls; neither keeps what was typed.
 */
export function useBilling(customerId: string) {
  const { view: billing, error, confirmed, accept, dismiss } = useCustomerView(customerId, (id) => invoke('billing.open', { customerId: id }));

  const updateAccount = useCallback(
    async (changes: Record<string, unknown>, reason: string) => {
      const result = await invoke('billing.updateAccount', { customerId, changes, reason });
      accept(result.billing);
      return result.mutationId;
    },
    [customerId, accept],
  );

  const replaceCard = useCallback(
    async (paymentMethodId: string, card: Record<string, unknown>) => (await invoke('billing.replaceCard', { customerId, paymentMethodId, card })).paymentMethod,
    [customerId],
  );

  const recordAdjustment = useCallback(
    async (kind: AdjustmentKind, amountCents: number, reason: string) => (await invoke('billing.recordAdjustment', { customerId, kind, amountCents, reason })).adjustment,
    [customerId],
  );

  return { billing, error, confirmed, updateAccount, replaceCard, recordAdjustment, dismiss };
}

export type BillingApi = ReturnType<typeof useBilling>;
