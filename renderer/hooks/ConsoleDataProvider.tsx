import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { followCoreEvents } from './coreEvents';
import { createQueryClient } from './queries';

/** The renderer's one data cache (TanStack Query over the console API), kept current by the core's events. */
export function ConsoleDataProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  useEffect(() => followCoreEvents(client), [client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
