import { useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../domain/console/contract';
import type { SearchKind } from '../../domain/search';
import { invoke, messageOf } from '../api/client';
import { useConsoleEvent } from './useConsoleEvent';

export type SearchKindOption = SearchKind | 'auto';

interface SearchState {
  query: string;
  hits: SearchHit[];
  searching: boolean;
  error: string | null;
}

/**
 * Results as the rep types: each keystroke asks the local cache (milliseconds), a short debounce
 * spares the cache a query per key when someone types fast, and an older answer never overwrites
 * a newer one.
 */
export function useCustomerSearch(query: string, kind: SearchKindOption, debounceMs = 60): SearchState {
  const [state, setState] = useState<SearchState>({ query: '', hits: [], searching: false, error: null });
  const [refresh, setRefresh] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const text = query.trim();
    const ticket = ++latest.current;
    if (!text) {
      setState({ query: '', hits: [], searching: false, error: null });
      return;
    }
    setState((s) => ({ ...s, searching: true }));
    const timer = setTimeout(() => {
      invoke('customers.search', { query: text.slice(0, 100), kind, limit: 25 }).then(
        (hits) => ticket === latest.current && setState({ query: text, hits, searching: false, error: null }),
        (err) => ticket === latest.current && setState({ query: text, hits: [], searching: false, error: messageOf(err) }),
      );
    }, debounceMs);
    return () => clearTimeout(timer);
  }, [query, kind, debounceMs, refresh]);

  // an edit, a pull or the end of a first sync can change what matches: ask again
  const syncing = useRef(false);
  useConsoleEvent('customers.changed', () => query.trim() && setRefresh((n) => n + 1));
  useConsoleEvent('sync.status', (status) => {
    if (syncing.current && !status.progress && query.trim()) setRefresh((n) => n + 1);
    syncing.current = !!status.progress;
  });
  return state;
}
