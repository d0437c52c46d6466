import { createContext, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { PendingChange } from '../../../domain/console/contract';
import { UNVERIFIED_HOLD_MS } from '../../../domain/entities';
import { invoke, messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';
import { refreshRecords } from '../../hooks/coreEvents';

/**
 * The outage call flow (issue 16): while the central store is unreachable no caller can be verified,
 * and the rep may hold a correction unverified instead. The profile provides whether its editors
 * hold (EditFrame then says so on its save button); the core and the central store decide the rest.
 */
export const HoldsUnverified = createContext(false);

/** Above the record while the rep may only hold corrections: why, and what becomes of them. */
export function OutageNotice() {
  return (
    <Notice tone="warn">
      The central store is unreachable, so the caller cannot be verified. You may hold a correction, unverified: it changes nothing until you verify the
      caller online and release it, or a supervisor reviews it, within {UNVERIFIED_HOLD_MS / 3_600_000} hours.
    </Notice>
  );
}

/** A held, unverified correction in the profile's Changes: its state, its expiry and, once the caller is verified online, Release. */
export function UnverifiedChange({ change, customerId, verificationId }: { change: PendingChange; customerId: string; verificationId: string | null }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!change.unverified) return null;
  const expired = change.rejection?.code === 'held_edit.expired' || Date.parse(change.unverified.expiresAt) <= Date.now();
  if (expired) {
    return (
      <div className="change-note tone-bad" data-testid="change-unverified">
        Expired {dateTime(change.unverified.expiresAt)}, never applied. Call the customer back on the number on file, verify them, and make the correction again.
      </div>
    );
  }
  async function release() {
    if (!verificationId) return;
    setBusy(true);
    setError(null);
    try {
      await invoke('heldEdit.release', { heldEditId: change.mutationId, verificationId });
      await invoke('sync.now', {});
      await refreshRecords(client, [{ entity: 'customer', id: customerId, customerId }]);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="change-note tone-warn" data-testid="change-unverified">
      <span className="strong">Held, unverified</span> · expires {dateTime(change.unverified.expiresAt)}.{' '}
      {change.status === 'held'
        ? verificationId
          ? 'The caller is verified now: release it to apply it.'
          : 'Verify the caller online to release it, or a supervisor reviews it.'
        : 'It goes to the central store when this workstation is back online.'}
      {change.status === 'held' && verificationId && (
        <Button variant="primary" busy={busy} onClick={() => void release()}>
          Release correction
        </Button>
      )}
      {error && <Notice tone="bad">{error}</Notice>}
    </div>
  );
}
