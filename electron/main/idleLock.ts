/** The parts of Electron's powerMonitor and of the core session the lock wiring uses. */
export interface SystemEvents {
  on(event: 'suspend' | 'lock-screen', listener: () => void): unknown;
}
export interface LockableSession {
  lock(): Promise<unknown>;
  touch(): void;
  checkIdle(): Promise<void>;
}

/**
 * Lock on OS sleep and screen lock (DESIGN §4). The idle limit itself is the core's (server
 * policy, default 15 minutes, PCI DSS 8.2.8); the shell adds keyboard and mouse input as
 * activity, because reading a profile without calling the core is still work.
 */
export function wireSessionLocks(system: SystemEvents, session: LockableSession): void {
  const lock = () => void session.lock().catch(() => undefined);
  system.on('suspend', lock);
  system.on('lock-screen', lock);
}

/** Input kinds counted as activity (a scroll or a key, not a mere repaint). */
export function isUserActivity(input: { type: string }): boolean {
  return input.type === 'keyDown' || input.type === 'mouseDown' || input.type === 'mouseWheel';
}
