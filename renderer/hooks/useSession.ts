import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { SessionState } from '../../domain/console/contract';
import { invoke } from '../api/client';
import { queryKeys } from './queries';

/** The workstation session as the core reports it, kept current by `session.changed` events (coreEvents.ts). */
export function useSession() {
  const client = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.session, queryFn: () => invoke('session.status', {}) });

  const run = useCallback(
    async (call: () => Promise<SessionState>) => {
      const next = await call();
      client.setQueryData(queryKeys.session, next);
      return next;
    },
    [client],
  );

  return {
    session: query.data ?? null,
    loadError: query.error ? query.error.message : null,
    signIn: (username: string, password: string) => run(() => invoke('session.signIn', { username, password })),
    unlock: (password: string) => run(() => invoke('session.unlock', { password })),
    enrol: (code: string, deviceName: string) => run(() => invoke('device.enrol', { code, deviceName })),
    lock: () => run(() => invoke('session.lock', {})),
    signOut: () => run(() => invoke('session.signOut', {})),
    /** the second step of a sign-in (issue 14): the code of the moment, or a recovery code */
    secondFactor: (proof: { code: string } | { recoveryCode: string }) => run(() => invoke('session.secondFactor', proof)),
    recoveryCodesSaved: () => run(() => invoke('session.recoveryCodesSaved', {})),
    /** the store's session ended while the console is open: sign in again where the user is */
    reauthenticate: (input: { password: string; code?: string; recoveryCode?: string }) => run(() => invoke('session.reauthenticate', input)),
  };
}

export type SessionApi = ReturnType<typeof useSession>;
