import { useEffect, useRef, useState } from 'react';
import { invoke } from '../../api/client';
import { Icon } from '../../components/Icon';

/** How long before the idle lock the console warns. */
const WARN_MS = 60_000;
/** How often the console asks the core how long is left (a passive call: it is not activity). */
const POLL_MS = 5_000;
/** A key or a click tells the core the user is there at most this often, outside the warning. */
const ACTIVITY_EVERY_MS = 20_000;

/**
 * The idle lock is announced before it comes (issue 13): in its last minute a banner counts down,
 * and any key or click keeps the console open. The core keeps the time (its clock decides the lock);
 * the console counts down between its polls. Whatever is open survives the lock anyway (useWorkspace).
 */
export function IdleWarning() {
  const [left, setLeft] = useState<{ ms: number; at: number } | null>(null);
  const [now, setNow] = useState(() => performance.now());
  const lastActivity = useRef(0);

  useEffect(() => {
    let live = true;
    const poll = () =>
      void invoke('session.idle', {})
        .then((state) => live && setLeft({ ms: state.lockInMs, at: performance.now() }))
        .catch(() => undefined);
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  const remaining = left ? Math.max(0, left.ms - (now - left.at)) : Infinity;
  const warning = remaining <= WARN_MS;

  // a second's tick while the warning shows
  useEffect(() => {
    if (!warning) return;
    const tick = setInterval(() => setNow(performance.now()), 1_000);
    return () => clearInterval(tick);
  }, [warning]);

  useEffect(() => {
    const stillHere = () => {
      const t = performance.now();
      if (!warning && t - lastActivity.current < ACTIVITY_EVERY_MS) return;
      lastActivity.current = t;
      void invoke('session.stillHere', {})
        .then((state) => setLeft({ ms: state.lockInMs, at: performance.now() }))
        .catch(() => undefined);
    };
    window.addEventListener('keydown', stillHere, true);
    window.addEventListener('pointerdown', stillHere, true);
    return () => {
      window.removeEventListener('keydown', stillHere, true);
      window.removeEventListener('pointerdown', stillHere, true);
    };
  }, [warning]);

  if (!warning) return null;
  const seconds = Math.ceil(remaining / 1000);
  return (
    <div className="idle-warning" role="alert">
      <Icon name="clock" size={16} />
      <span>
        <span className="strong">
          The console locks in {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, '0')}
        </span>{' '}
        for lack of activity. Press any key to keep it open; what you have open is kept if it locks.
      </span>
    </div>
  );
}
