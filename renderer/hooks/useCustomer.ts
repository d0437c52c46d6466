import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChannelOutput, CustomerProfile, PendingChange } from '../../domain/console/contract';
import { invoke, messageOf } from '../api/client';
import { useConsoleEvent } from './useConsoleEvent';

export interface ConfirmedChange {
  mutationId: string;
  fields: string[];
  reason: string;
  confirmedAt: Date;
}

type VerifyResult = ChannelOutput<'customers.verifyCaller'>;

/**
 * One customer's profile, as the core holds it for this role, with the rep's unconfirmed edits
 * applied. Refreshes when the core says the customer changed (a pull, a push result), and
 * notices when a pending change has left the outbox without a conflict: confirmed.
 */
export function useCustomer(customerId: string | null) {
  const [profile, setProfile] = useState<CustomerProfile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState<ConfirmedChange[]>([]);
  const pending = useRef(new Map<string, PendingChange>());

  const accept = useCallback((next: CustomerProfile) => {
    const stillThere = new Set(next.changes.map((c) => c.mutationId));
    const done = [...pending.current.values()].filter((c) => !stillThere.has(c.mutationId));
    if (done.length) {
      const at = new Date();
      setConfirmed((list) => [...done.map((c) => ({ mutationId: c.mutationId, fields: c.fields, reason: c.reason, confirmedAt: at })), ...list]);
    }
    pending.current = new Map(next.changes.filter((c) => c.status === 'pending').map((c) => [c.mutationId, c]));
    setProfile(next);
  }, []);

  useEffect(() => {
    setProfile(null);
    setError(null);
    setConfirmed([]);
    pending.current = new Map();
    if (!customerId) return;
    let live = true;
    invoke('customers.open', { customerId }).then(
      (p) => live && accept(p),
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [customerId, accept]);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useConsoleEvent('customers.changed', ({ ids }) => {
    if (!customerId || !ids.includes(customerId) || refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      invoke('customers.open', { customerId }).then(accept, (err) => setError(messageOf(err)));
    }, 50);
  });
  useEffect(() => () => void (refreshTimer.current && clearTimeout(refreshTimer.current)), []);

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
  }, [validUntil]);

  const update = useCallback(
    async (changes: Record<string, unknown>, reason: string) => {
      if (!customerId) throw new Error('no customer open');
      const result = await invoke('customers.update', { customerId, changes, reason });
      accept(result.customer);
      return result.mutationId;
    },
    [customerId, accept],
  );

  const verify = useCallback(
    async (method: 'ssn_last4' | 'account_pin', answer: string): Promise<VerifyResult> => {
      if (!customerId) throw new Error('no customer open');
      const result = await invoke('customers.verifyCaller', { customerId, method, answer });
      setProfile((p) => (p && p.customer.id === customerId ? { ...p, verification: { ...result } } : p));
      return result;
    },
    [customerId],
  );

  const dismiss = useCallback(
    async (mutationId: string) => {
      await invoke('changes.dismiss', { mutationId });
      setProfile((p) => (p ? { ...p, changes: p.changes.filter((c) => c.mutationId !== mutationId) } : p));
    },
    [],
  );

  return { profile, error, confirmed, update, verify, dismiss };
}
