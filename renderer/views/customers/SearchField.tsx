import { Icon } from '../../components/Icon';
import { Kbd } from '../../components/Kbd';
import type { SearchKindOption } from '../../hooks/useCustomerSearch';
import type { SearchBox } from './useSearchBox';

const KINDS: { value: SearchKindOption; label: string }[] = [
  { value: 'auto', label: 'Any' },
  { value: 'phone', label: 'Phone' },
  { value: 'name', label: 'Name' },
  { value: 'email', label: 'Email' },
  { value: 'account', label: 'Account no.' },
];

/** The console's search: a combobox over the results list of the customers view. */
export function SearchField({ search, onInput, resultsShown }: { search: SearchBox; onInput: () => void; resultsShown: boolean }) {
  const expanded = resultsShown && search.hits.length > 0;
  return (
    <div className="search" role="search">
      <Icon name="search" size={16} className="search-icon" />
      <input
        ref={search.inputRef}
        className="search-input"
        type="search"
        role="combobox"
        aria-label="Search customers by phone, name, email or account number"
        aria-keyshortcuts="Control+K /"
        aria-expanded={expanded}
        aria-controls={expanded ? 'search-results' : undefined}
        aria-autocomplete="list"
        aria-activedescendant={expanded && search.active ? `result-${search.active.id}` : undefined}
        placeholder="Phone, name, email or account number"
        value={search.query}
        onChange={(e) => {
          search.setQuery(e.target.value);
          onInput();
        }}
        onKeyDown={search.onKeyDown}
        spellCheck={false}
        autoComplete="off"
        maxLength={100}
      />
      <label className="sr-only" htmlFor="search-kind">
        Search by
      </label>
      <select id="search-kind" className="search-kind" value={search.kind} onChange={(e) => search.setKind(e.target.value as SearchKindOption)}>
        {KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
      </select>
      <span className="search-shortcut">
        <Kbd>Ctrl+K</Kbd>
      </span>
    </div>
  );
}
