import { useEffect, useRef } from 'react';
import type { ConsoleEvent, EventPayload } from '../../domain/console/contract';
import { onEvent } from '../api/client';

/** Subscribes to a core event for the life of the component; the latest listener is always called. */
export function useConsoleEvent<E extends ConsoleEvent>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => onEvent(event, (payload) => latest.current(payload)), [event]);
}
