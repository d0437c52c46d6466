import type { SyncStatus } from '../../../domain/console/contract';
import { Icon } from '../../components/Icon';
import { Kbd } from '../../components/Kbd';
import { ProgressBar } from '../../components/ProgressBar';

const count = new Intl.NumberFormat('en-US');

/** What the detail pane shows before a customer is open: how to search, or the first sync under way. */
export function FindACustomer({ progress, firstSync }: { progress: SyncStatus['progress']; firstSync: SyncStatus['firstSync'] }) {
  if (progress) {
    const pct = progress.total ? Math.round((progress.received / progress.total) * 100) : 0;
    return (
      <div className="empty-state">
        <Icon name="sync" size={28} />
        <h1>Preparing this workstation</h1>
        <p>Customer records are being copied into your encrypted cache. Search is at full speed once the copy is complete.</p>
        {firstSync && (
          <p>
            <strong>{count.format(firstSync.customers)}</strong> {firstSync.customers === 1 ? 'customer is' : 'customers are'} already here to search; a caller not found may not be here yet.
          </p>
        )}
        <div className="sync-card">
          <ProgressBar value={progress.received} max={progress.total} label="Records copied" />
          <div className="sync-card-numbers">
            <span>
              {count.format(progress.received)} of {count.format(progress.total)} records
            </span>
            <span>{pct}%</span>
          </div>
        </div>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <Icon name="search" size={28} />
      <h1>Find the caller</h1>
      <p>Type a phone number, a name, an email address or an account number. Results appear as you type.</p>
      <dl className="shortcut-list">
        <div>
          <dt>
            <Kbd announced>Ctrl+K</Kbd> or <Kbd announced>/</Kbd>
          </dt>
          <dd>Search, from anywhere</dd>
        </div>
        <div>
          <dt>
            <Kbd announced>↑</Kbd> <Kbd announced>↓</Kbd> <Kbd announced>Enter</Kbd>
          </dt>
          <dd>Pick a result and open it</dd>
        </div>
        <div>
          <dt>
            <Kbd announced>Alt+V</Kbd>
          </dt>
          <dd>Verify the caller</dd>
        </div>
        <div>
          <dt>
            <Kbd announced>Alt+N P E S M C</Kbd>
          </dt>
          <dd>Edit name, phones, email, addresses, consents</dd>
        </div>
        <div>
          <dt>
            <Kbd announced>Ctrl+Shift+L</Kbd>
          </dt>
          <dd>Lock the console</dd>
        </div>
      </dl>
    </div>
  );
}
