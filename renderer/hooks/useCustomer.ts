import { useCallback, useEffect } from 'react';
import type { ChannelOutput } from '../../domain/console/contract';
import { invoke } from '../api/client';
import { useCustomerView } from './useCustomerView';
import { useFieldEdit } from './useRecordChange';

export type { ConfirmedChange } from './useConfirmedChanges';

type VerifyResult = ChannelOutput<'customer.verifyCaller'>;

/**
 * One customer's profile, as the core holds it for this role, with the rep's unconfirmed edits
 * applied. Refreshes when the core says the customer changed (a pull, a push result), and
 * notices when a pending change has left the outbox without a conflict: confirmed.
 */
export function useCustomer(customerId: string | null) {
  const { view: profile, setView: setProfile, error, confirmed, track, dismiss } = useCustomerView('customer', customerId, (id) => invoke('customers.open', { customerId: id }));

  // a verification lasts as long as the central store said; then editing closes again
  const validUntil = profile?.verification?.verified ? profile.verification.validUntil : null;
  useEffect(() => {
    if (!validUntil) return;
    const expire = () =>
      setProfile((p) => (p?.verification ? { ...p, verification: { ...p.verification, verified: false, verificationId: null, validUntil: null } } : p));
    const ms = Date.parse(validUntil) - Date.now();
    if (ms <= 0) return void expire();
    const timer = setTimeout(expire, Math.min(ms, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [validUntil, setProfile]);

  const update = useFieldEdit('customer', customerId, track);

  const verify = useCallback(
    async (method: 'ssn_last4' | 'account_pin', answer: string): Promise<VerifyResult> => {
      if (!customerId) throw new Error('no customer open');
      const result = await invoke('customer.verifyCaller', { customerId, method, answer });
      setProfile((p) => (p && p.customer.id === customerId ? { ...p, verification: { ...result } } : p));
      return result;
    },
    [customerId, setProfile],
  );

  return { profile, error, confirmed, update, verify, dismiss };
}
