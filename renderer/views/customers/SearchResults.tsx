import { useEffect } from 'react';
import type { SyncStatus } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { phone, statusTone, titleCase } from '../../format';
import { resultsSummary } from './resultsSummary';
import type { SearchBox } from './useSearchBox';

const MATCHED_BY = { phone: 'Phone', name: 'Name', email: 'Email', account: 'Account' } as const;
const count = new Intl.NumberFormat('en-US');

/**
 * What a search can promise while the first sync has not brought every customer: how many are here so
 * far. "No customer matches" would tell the rep the caller is not a customer, when they may simply
 * not be on this desk yet.
 */
function firstSyncNote(firstSync: NonNullable<SyncStatus['firstSync']>, syncing: boolean): string {
  const available = `${count.format(firstSync.customers)} ${firstSync.customers === 1 ? 'customer' : 'customers'} available so far`;
  return syncing
    ? `${available} — the first sync is still running; a caller not found may not be here yet.`
    : `${available} — the first sync has not finished (it resumes when this workstation reaches the central store); a caller not found may not be here yet.`;
}

/** The results of the search box: a listbox the box drives with the arrow keys (aria-activedescendant). */
export function SearchResults({ search, firstSync, syncing }: { search: SearchBox; firstSync: SyncStatus['firstSync']; syncing: boolean }) {
  const { hits, results, query, active, opened } = search;
  useEffect(() => {
    if (active) document.getElementById(`result-${active.id}`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const text = query.trim();
  const summary = !text
    ? 'Search results appear here'
    : results.error
      ? results.error
      : results.searching && hits.length === 0
        ? 'Searching…'
        : resultsSummary(hits.length, hits.length ? results.total : 0, hits.length > 0 && results.capped);
  return (
    <aside className="results" aria-label="Search results">
      <div className="results-head" aria-live="polite">
        {summary}
      </div>
      {text && !results.searching && !results.error && results.tiedAtTop > 1 && (
        <p className="results-tied" data-testid="tied-note">
          The first {results.tiedAtTop} match “{text}” equally well: ask the caller for a first name, a street or another number before opening one.
        </p>
      )}
      {text && !results.searching && !results.error && hits.length === 0 && !firstSync && (
        <p className="results-empty">No customer matches “{text}”. Try the last digits of a phone number, or a surname.</p>
      )}
      {text && !results.searching && !results.error && firstSync && (
        <p className="results-empty results-first-sync" data-testid="first-sync-note">
          {hits.length === 0 && <>Not found yet: “{text}”. </>}
          {firstSyncNote(firstSync, syncing)}
        </p>
      )}
      {hits.length > 0 && (
        <ul id="search-results" role="listbox" aria-label="Customers found" className="results-list">
          {hits.map((hit) => (
            <li
              key={hit.id}
              id={`result-${hit.id}`}
              role="option"
              aria-selected={hit.id === active?.id}
              className={['result', hit.id === active?.id ? 'is-active' : '', hit.id === opened?.id ? 'is-open' : ''].join(' ')}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => search.open(hit)}
            >
              <div className="result-line">
                <span className="result-name">{hit.name}</span>
                {hit.accountStatus && hit.accountStatus !== 'active' && <Badge tone={statusTone(hit.accountStatus)}>{titleCase(hit.accountStatus)}</Badge>}
                <span className="result-match">{MATCHED_BY[hit.matchedBy]}</span>
              </div>
              <div className="result-meta">
                <span className="mono">{hit.accountNumber ?? '—'}</span>
                <span>{hit.phone ? phone(hit.phone) : '—'}</span>
              </div>
              <div className="result-meta">
                <span className="result-email">{hit.email ?? '—'}</span>
                <span>{hit.location ?? ''}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
