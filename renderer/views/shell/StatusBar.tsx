import type { SyncStatus } from '../../../domain/console/contract';
import { Icon } from '../../components/Icon';
import { Kbd } from '../../components/Kbd';
import { chordLabel } from '../../hooks/useHotkeys';
import { ProgressBar } from '../../components/ProgressBar';
import { time } from '../../format';
import type { NavItem } from '../../navigation';

const count = new Intl.NumberFormat('en-US');

/** Online or not, when the cache last agreed with the central store, what is still on its way; the role's view shortcuts, which open the shortcuts help. */
export function StatusBar({ status, nav, onShowConflicts, onShowHelp, onShowQueued }: { status: SyncStatus | null; nav: readonly NavItem[]; onShowConflicts?: () => void; onShowHelp: () => void; onShowQueued: () => void }) {
  const online = status?.online ?? false;
  const progress = status?.progress ?? null;
  return (
    <footer className="statusbar" aria-label="Sync status">
      <span className={`status-item status-link ${online ? 'is-online' : 'is-offline'}`} data-testid="status-online">
        <span className="status-dot" aria-hidden="true" />
        {online ? 'Online' : 'Offline'}
      </span>
      <span className="status-item" data-testid="status-last-sync">
        <Icon name="sync" size={13} />
        Last sync {status?.lastSyncAt ? time(status.lastSyncAt) : 'not yet'}
      </span>
      <button type="button" className={`status-item status-button ${status?.pending ? 'has-pending' : ''}`} onClick={onShowQueued} data-testid="status-pending" aria-label={`${status?.pending ?? 0} changes waiting to send: show the changes on this workstation`}>
        <Icon name="clock" size={13} />
        {status?.pending ?? 0} waiting to send
      </button>
      {onShowConflicts && (
        <button type="button" className={`status-item status-button ${status?.conflicts ? 'has-conflicts' : ''}`} onClick={onShowConflicts} data-testid="status-conflicts">
          <Icon name="split" size={13} />
          {status?.conflicts ?? 0} {status?.conflicts === 1 ? 'conflict' : 'conflicts'}
        </button>
      )}
      {!!status?.rejected && (
        <span className="status-item has-conflicts" data-testid="status-rejected">
          <Icon name="alert" size={13} />
          {status.rejected} rejected
        </span>
      )}
      {!!status?.held && (
        <span className="status-item has-pending" data-testid="status-held" title="Changes the central store holds for a supervisor's review">
          <Icon name="shield" size={13} />
          {status.held} held for review
        </span>
      )}
      {progress && (
        <span className="status-item status-progress" data-testid="status-progress">
          <span>
            First sync: {count.format(progress.received)} of {count.format(progress.total)} records
          </span>
          <ProgressBar value={progress.received} max={progress.total} label="First sync" />
        </span>
      )}
      <span className="status-spacer" />
      {status?.error && !progress && (
        <span className="status-item status-error" title={status.error} data-testid="status-error">
          {status.error}
        </span>
      )}
      <button type="button" className="status-item status-button status-shortcuts" onClick={onShowHelp} aria-keyshortcuts="?" data-testid="status-shortcuts">
        <Kbd>?</Kbd>
        <span className="sr-only">Keyboard shortcuts</span>
        {/* the role's view shortcuts where the bar has room, "Shortcuts" where it has not */}
        <span className="status-hint" aria-hidden="true">
          {[...(nav.some((item) => item.view === 'customers') ? [`${chordLabel('Ctrl+K')} search`] : []), ...nav.map((item) => `${chordLabel(item.shortcut)} ${item.label.toLowerCase()}`)].join(' · ')}
        </span>
        <span className="status-hint-short" aria-hidden="true">
          Shortcuts
        </span>
      </button>
    </footer>
  );
}
