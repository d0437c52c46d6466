import { useState } from 'react';
import type { SyncStatus } from '../../../domain/console/contract';
import type { Role } from '../../../domain/roles';
import { updateWorkspace, workspaceNow } from '../../hooks/useWorkspace';
import { profileTabs, type ProfileTab } from '../../navigation';
import { CustomerProfileView } from './CustomerProfileView';
import { FindACustomer } from './FindACustomer';
import { SearchResults } from './SearchResults';
import type { SearchBox } from './useSearchBox';

/**
 * Results on the left, the open customer on the right: the rep never loses the list while on a call.
 * The chosen profile tab stays as the user moves from customer to customer.
 */
export function CustomersView({ search, progress, firstSync, role }: { search: SearchBox; progress: SyncStatus['progress']; firstSync: SyncStatus['firstSync']; role: Role }) {
  const [tab, setTabState] = useState<ProfileTab>(() => workspaceNow()?.tab ?? 'overview');
  const setTab = (next: ProfileTab) => {
    setTabState(next);
    updateWorkspace({ tab: next });
  };
  return (
    <div className="customers">
      <SearchResults search={search} firstSync={firstSync} syncing={progress !== null} />
      <div className="customers-detail">
        {search.opened ? (
          <CustomerProfileView key={search.opened.id} customerId={search.opened.id} openSeq={search.opened.seq} quiet={search.opened.quiet} role={role} tabs={profileTabs(role)} tab={tab} onTab={setTab} />
        ) : (
          <FindACustomer progress={progress} firstSync={firstSync} />
        )}
      </div>
    </div>
  );
}
