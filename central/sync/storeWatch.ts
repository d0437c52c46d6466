import { revocationHead, revocationsAfter } from '../identity/revocations';
import { changeHead } from '../storage/changeLog';
import { listenForCommits } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import type { ChangeFeed } from './changeFeed';

/** How often a serving process looks for what other processes wrote: the revocation window of the README. */
export const STORE_WATCH_INTERVAL_MS = 1_000;

export interface StoreWatch {
  stop(): Promise<void>;
}

/**
 * Several processes may share one database: the server and the admin CLI (`revoke-device`,
 * `disable-user`, `seed-demo`), or several nodes. What another process writes never passes through
 * this process's in-process feed, so this reads two counters every second — the revocation number
 * and the change head — and publishes to the feed what it has not delivered yet: a `revoked` signal
 * per new revocation (the event streams of those sessions end and their desks wipe or ask for a
 * sign-in), an `advanced` signal when the change log moved (desks pull). Two small reads per second,
 * whatever the number of open streams. Revocations this process made itself are not sent twice.
 * On PostgreSQL the two reads also run at once when another node announces a commit (LISTEN/NOTIFY,
 * storage/database.ts), so a desk on node 2 hears of a change made through node 1 without waiting
 * for the next second; the poll stays, for a notification lost while the listening connection
 * was being re-established.
 */
export async function watchStore(
  db: CentralDb,
  feed: ChangeFeed,
  options: { intervalMs?: number; onError?: (err: unknown) => void } = {},
): Promise<StoreWatch> {
  let head = await changeHead(db);
  let revoked = await revocationHead(db);
  /** revocations already published in this process, ahead of `revoked` */
  const delivered = new Set<number>();
  const unsubscribe = feed.subscribe((signal) => {
    if (signal.kind === 'advanced') head = Math.max(head, signal.head);
    else if (signal.seq > revoked) delivered.add(signal.seq);
  });

  async function poll(): Promise<void> {
    const latest = await revocationHead(db);
    while (revoked < latest) {
      const batch = await revocationsAfter(db, revoked);
      for (const revocation of batch) {
        if (!delivered.has(revocation.seq)) feed.publish({ kind: 'revoked', ...revocation });
        revoked = revocation.seq;
      }
      // rows are pruned after a day: a process stalled that long skips what is gone
      if (batch.length === 0) revoked = latest;
    }
    for (const seq of delivered) if (seq <= revoked) delivered.delete(seq);
    const now = await changeHead(db);
    if (now > head) feed.publish({ kind: 'advanced', head: now });
  }

  const onError = options.onError ?? ((err: unknown) => console.error(`store watch: ${err instanceof Error ? err.message : String(err)}`));
  let running: Promise<void> | null = null;
  /** a commit announced while a poll runs: poll once more after it */
  let again = false;
  const tick = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = poll()
      .catch(onError)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? STORE_WATCH_INTERVAL_MS);
  timer.unref();
  const listener = await listenForCommits(db, tick, onError);

  return {
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await listener?.close();
      again = false;
      await running;
    },
  };
}
