import { pendingMigrations } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/** Why a node should not be sent traffic now; said in the 503's body for whoever reads the probe. */
export type NotReadyReason = 'database_unavailable' | 'migrations_pending' | 'shutting_down';

export type ReadinessAnswer = { ready: true } | { ready: false; reason: NotReadyReason; message: string };

/** A probe that waits longer than this on the database says it is unavailable rather than hang the load balancer's check. */
export const READINESS_TIMEOUT_MS = 2_000;

/**
 * Whether this node should take traffic (a load balancer's or an orchestrator's readiness probe),
 * as against health, which only says the process answers. Not ready while the database does not
 * answer (down, or its pool exhausted past the timeout), while it lacks a migration this build
 * needs (a restore from an older backup; another node's start that failed half way), or once the
 * node is stopping: from `markStopping` the probe says so while the listeners still serve, so
 * that the balancer drains the node before its connections close (the store's `drainMs`).
 */
export class Readiness {
  private stopping = false;

  constructor(
    private readonly db: CentralDb,
    private readonly timeoutMs = READINESS_TIMEOUT_MS,
  ) {}

  markStopping(): void {
    this.stopping = true;
  }

  async check(): Promise<ReadinessAnswer> {
    if (this.stopping) return { ready: false, reason: 'shutting_down', message: 'this node is stopping' };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      // the migrations read is the trivial query: if it answers, the database does
      const pending = await Promise.race([pendingMigrations(this.db), timedOut]);
      if (pending === 'timeout') return { ready: false, reason: 'database_unavailable', message: `the database did not answer within ${this.timeoutMs} ms` };
      if (pending.length) return { ready: false, reason: 'migrations_pending', message: `${pending.length} migration(s) not applied` };
      return this.stopping ? { ready: false, reason: 'shutting_down', message: 'this node is stopping' } : { ready: true };
    } catch {
      // the error's text may name the server or the database: the reason is enough for a probe
      return { ready: false, reason: 'database_unavailable', message: 'the database did not answer' };
    } finally {
      clearTimeout(timer);
    }
  }
}
