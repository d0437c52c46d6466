import { useCallback, useEffect, useState } from 'react';
import type { SessionState } from '../../domain/console/contract';
import { invoke } from '../api/client';
import { useConsoleEvent } from './useConsoleEvent';

/** The workstation session as the core reports it, kept current by `session.changed` events. */
export function useSession() {
  const [session, setSession] = useState<SessionState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    invoke('session.status', {}).then(setSession, (err: Error) => setLoadError(err.message));
  }, []);
  useConsoleEvent('session.changed', setSession);

  const run = useCallback(async (call: () => Promise<SessionState>) => {
    const next = await call();
    setSession(next);
    return next;
  }, []);

  return {
    session,
    loadError,
    signIn: (username: string, password: string) => run(() => invoke('session.signIn', { username, password })),
    unlock: (password: string) => run(() => invoke('session.unlock', { password })),
    enrol: (code: string, deviceName: string) => run(() => invoke('device.enrol', { code, deviceName })),
    lock: () => run(() => invoke('session.lock', {})),
    signOut: () => run(() => invoke('session.signOut', {})),
  };
}

export type SessionApi = ReturnType<typeof useSession>;
