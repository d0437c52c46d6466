import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { SearchHit } from '../../domain/console/contract';
import type { SearchKind } from '../../domain/search';
import { invoke, messageOf } from '../api/client';
import { queryKeys } from './queries';

export type SearchKindOption = SearchKind | 'auto';

interface SearchState {
  /** the text the hits are for */
  query: string;
  hits: SearchHit[];
  /** how many customers matched in all (the list may be cut), counted up to a cap (`capped`: more); null: being counted */
  total: number | null;
  capped: boolean;
  /** words typed together: how many of the first hits they cannot tell apart (2 or more), else 0 */
  tiedAtTop: number;
  searching: boolean;
  error: string | null;
}

/**
 * Results as the rep types: each keystroke asks the local cache (milliseconds), a short debounce
 * spares the cache a query per key when someone types fast, and an older answer never overwrites
 * a newer one (each text is its own query). An edit, a pull or the end of a first sync can change
 * what matches: coreEvents.ts invalidates the searches and the open one asks again.
 */
export function useCustomerSearch(query: string, kind: SearchKindOption, debounceMs = 60): SearchState {
  const text = query.trim();
  const [asked, setAsked] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setAsked(text), debounceMs);
    return () => clearTimeout(timer);
  }, [text, debounceMs]);

  const search = useQuery({
    queryKey: queryKeys.search(asked, kind),
    queryFn: () => invoke('customers.search', { query: asked.slice(0, 100), kind, limit: 25 }),
    enabled: asked !== '',
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
  // a cut one-word list comes uncounted (counting reads up to 1,001 rows at 1M): its figure follows the list
  const uncounted = !search.isPlaceholderData && search.data?.total === null;
  const counted = useQuery({
    queryKey: queryKeys.searchCount(asked, kind),
    queryFn: () => invoke('customers.count', { query: asked.slice(0, 100), kind }),
    enabled: asked !== '' && uncounted,
    staleTime: 0,
  });

  if (!text) return { query: '', hits: [], total: 0, capped: false, tiedAtTop: 0, searching: false, error: null };
  const searching = asked !== text || search.isPlaceholderData || search.isPending;
  const answeredFor = search.isPlaceholderData ? '' : asked;
  if (search.error) return { query: answeredFor, hits: [], total: 0, capped: false, tiedAtTop: 0, searching, error: messageOf(search.error) };
  const { hits = [], total = 0, capped = false, tiedAtTop = 0 } = search.data ?? {};
  if (total === null) return { query: answeredFor, hits, total: counted.data?.total ?? null, capped: counted.data?.capped ?? false, tiedAtTop, searching, error: null };
  return { query: answeredFor, hits, total, capped, tiedAtTop, searching, error: null };
}
