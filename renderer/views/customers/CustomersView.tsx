import { CustomerProfileView } from './CustomerProfileView';
import { FindACustomer } from './FindACustomer';
import { SearchResults } from './SearchResults';
import type { SearchBox } from './useSearchBox';
import type { SyncStatus } from '../../../domain/console/contract';

/** Results on the left, the open customer on the right: the rep never loses the list while on a call. */
export function CustomersView({ search, progress }: { search: SearchBox; progress: SyncStatus['progress'] }) {
  return (
    <div className="customers">
      <SearchResults search={search} />
      <div className="customers-detail">
        {search.opened ? <CustomerProfileView key={search.opened.id} customerId={search.opened.id} openSeq={search.opened.seq} /> : <FindACustomer progress={progress} />}
      </div>
    </div>
  );
}
