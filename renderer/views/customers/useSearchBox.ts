import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchHit } from '../../../domain/console/contract';
import { useCustomerSearch, type SearchKindOption } from '../../hooks/useCustomerSearch';
import { updateWorkspace, workspaceNow } from '../../hooks/useWorkspace';

/**
 * The search box's state, shared by the top bar (where the rep types) and the customers view
 * (where results and the profile show): the query, the active result, the open customer.
 * Arrow keys move through results, Enter opens one, Escape clears.
 */
export function useSearchBox() {
  const inputRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<SearchKindOption>('auto');
  const results = useCustomerSearch(query, kind);
  const [activeId, setActiveId] = useState<string | null>(null);
  /** `quiet`: opened again after an unlock, where focus stays with the rep (an editor restored, or the search they went to) */
  const [opened, setOpened] = useState<{ id: string; seq: number; quiet: boolean } | null>(null);

  const hits = results.query === query.trim() || results.searching ? results.hits : [];
  const activeIndex = Math.max(0, hits.findIndex((h) => h.id === activeId));
  const active: SearchHit | undefined = hits[activeIndex];

  const open = useCallback((hit: SearchHit, { quiet = false }: { quiet?: boolean } = {}) => {
    // the customer on the call is part of what a lock must not lose (issue 13)
    if (workspaceNow()?.customer?.id !== hit.id) updateWorkspace({ customer: { id: hit.id, name: hit.name, accountNumber: hit.accountNumber }, editing: null });
    setActiveId(hit.id);
    setOpened((o) => ({ id: hit.id, seq: (o?.seq ?? 0) + 1, quiet }));
  }, []);

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLInputElement>) => {
      const move = (to: number) => {
        event.preventDefault();
        const hit = hits[Math.max(0, Math.min(hits.length - 1, to))];
        if (hit) setActiveId(hit.id);
      };
      switch (event.key) {
        case 'ArrowDown':
          return move(activeIndex + 1);
        case 'ArrowUp':
          return move(activeIndex - 1);
        case 'PageDown':
          return move(activeIndex + 10);
        case 'PageUp':
          return move(activeIndex - 10);
        case 'Enter':
          event.preventDefault();
          if (active) open(active);
          return;
        case 'Escape':
          if (query) {
            event.preventDefault();
            setQuery('');
          }
          return;
      }
    },
    [hits, activeIndex, active, open, query],
  );

  const focus = useCallback(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  return useMemo(
    () => ({ inputRef, query, setQuery, kind, setKind, results, hits, active, open, opened, onKeyDown, focus, setActiveId }),
    [query, kind, results, hits, active, open, opened, onKeyDown, focus],
  );
}

export type SearchBox = ReturnType<typeof useSearchBox>;
