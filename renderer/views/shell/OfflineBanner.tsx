import type { SyncStatus } from '../../../domain/console/contract';
import { Icon } from '../../components/Icon';
import { time } from '../../format';

/**
 * Offline, said where the work is (issue 13), not only in the status bar: what still works from this
 * workstation's copy and what waits for the central store. Announced once when it appears.
 */
export function OfflineBanner({ status }: { status: SyncStatus | null }) {
  // before the first answer, and during a first sync, the status bar says enough
  if (!status || status.online || status.progress) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <Icon name="alert" size={16} />
      <p>
        <span className="strong">Offline{status.lastSyncAt ? ` since ${time(status.lastSyncAt).slice(0, 5)}` : ''}.</span> You are working from this workstation's copy: corrections
        are saved here and sent when the central store is back. Verifying a caller, replacing a card and recording a credit need the central store.
      </p>
    </div>
  );
}
