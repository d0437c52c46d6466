import { useEffect, useId, useState, type KeyboardEvent, type Ref } from 'react';
import type { SearchHit } from '../../../domain/console/contract';
import type { FieldIssue } from '../../../domain/errors';
import { TextField } from '../../components/TextField';
import { phone } from '../../format';
import { useSearchBox } from '../customers/useSearchBox';

const labelOf = (hit: SearchHit) => `${hit.name} · ${hit.accountNumber ?? 'no account number'}`;

/**
 * Which customer a form is about, found with the console's own customer search (useSearchBox: the
 * local cache as one types, ↑ ↓ through the results, Enter picks, Esc clears): a combobox over a
 * short list of results. Typing again drops the pick.
 */
export function CustomerPicker({ label, picked, onPick, issue, ref, autoFocus }: { label: string; picked: SearchHit | null; onPick: (hit: SearchHit | null) => void; issue?: FieldIssue; ref?: Ref<HTMLInputElement>; autoFocus?: boolean }) {
  const search = useSearchBox();
  const listId = useId();
  // a customer picked before (a draft kept across a lock) shows as picked
  // only when the picker first shows (a pick made here sets the text itself)
  const [shown] = useState(picked);
  const { setQuery } = search;
  useEffect(() => {
    if (shown) setQuery(labelOf(shown));
  }, [shown, setQuery]);
  const [typed, setTyped] = useState(false);
  const expanded = typed && !picked && search.query.trim() !== '' && search.hits.length > 0;
  const optionId = (hit: SearchHit) => `${listId}-${hit.id}`;

  const activeId = expanded && search.active ? optionId(search.active) : undefined;
  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const pick = (hit: SearchHit) => {
    search.setQuery(labelOf(hit));
    setTyped(false);
    onPick(hit);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !expanded) return; // nothing to pick: Enter submits the form
    if (event.key === 'Enter' && search.active) {
      event.preventDefault();
      return pick(search.active);
    }
    if (event.key === 'Escape' && search.query) onPick(null);
    search.onKeyDown(event);
  };

  const summary = !typed || picked ? null : search.results.error ?? (search.query.trim() && !search.results.searching && search.hits.length === 0 ? `No customer matches “${search.query.trim()}”.` : null);
  return (
    <div className="customer-picker">
      <TextField
        ref={ref}
        autoFocus={autoFocus}
        label={label}
        value={search.query}
        onValue={(text) => {
          search.setQuery(text);
          setTyped(true);
          if (picked) onPick(null);
        }}
        onKeyDown={onKeyDown}
        issue={issue}
        hint={picked ? `${picked.phone ? phone(picked.phone) : 'no phone'} · ${picked.location ?? 'no location'}` : 'A phone number, a name, an email address or an account number'}
        role="combobox"
        aria-expanded={expanded}
        aria-controls={expanded ? listId : undefined}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        placeholder="Find the customer"
        maxLength={100}
      />
      <p className="field-hint" role="status">
        {summary}
      </p>
      {expanded && (
        <ul id={listId} role="listbox" aria-label="Customers found" className="picker-list">
          {search.hits.map((hit) => (
            <li
              key={hit.id}
              id={optionId(hit)}
              role="option"
              aria-selected={hit.id === search.active?.id}
              className={['result', hit.id === search.active?.id ? 'is-active' : ''].join(' ')}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(hit)}
            >
              <div className="result-line">
                <span className="result-name">{hit.name}</span>
                <span className="result-match mono">{hit.accountNumber ?? '—'}</span>
              </div>
              <div className="result-meta">
                <span>{hit.phone ? phone(hit.phone) : '—'}</span>
                <span>{hit.location ?? ''}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
