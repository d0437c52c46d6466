import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { ChannelOutput } from '../../domain/console/contract';
import type { VerificationAttempts } from '../../domain/sync/protocol';
import { invoke } from '../api/client';
import { queryKeys } from './queries';
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
  const client = useQueryClient();
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
      // the store's count now; at 0 it is read again for the time the caller is locked out until
      const attempts = queryKeys.verificationAttempts(customerId);
      client.setQueryData<VerificationAttempts>(attempts, { attemptsLeft: result.attemptsLeft, lockedUntil: null });
      if (!result.verified && result.attemptsLeft === 0) void client.invalidateQueries({ queryKey: attempts });
      return result;
    },
    [customerId, setProfile, client],
  );

  return { profile, error, confirmed, update, verify, dismiss };
}

/**
 * A caller's attempts left before anyone asks them anything, read from the central store (failures
 * count per customer across all users, so the desk cannot know alone): asked each time the
 * verification shows and is not done, online; while the caller is locked out, asked again every
 * half minute, so that the form comes back when the lock ends.
 */
export function useVerificationAttempts(customerId: string, enabled: boolean): VerificationAttempts | null {
  const query = useQuery({
    queryKey: queryKeys.verificationAttempts(customerId),
    queryFn: () => invoke('customers.verificationAttempts', { customerId }),
    enabled,
    staleTime: 0,
    gcTime: 0,
    refetchInterval: (q) => (q.state.data?.attemptsLeft === 0 ? 30_000 : false),
  });
  return enabled ? (query.data ?? null) : null;
}
