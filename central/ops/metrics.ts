import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the store tells Prometheus (issue 15, item 7), served on the ops listener only (opsServer.ts).
 * One registry per store, never prom-client's global one: a process may run several stores (the
 * tests do), and each scrape must describe one node.
 *
 * No label ever carries a user, customer, device, session or record id: routes are labelled by
 * their template (`/v1/customers/:customerId/verification`), never the URL, and every other label
 * takes a value from a short fixed list. A label per id would also grow without bound.
 */
export interface StoreMetrics {
  readonly registry: Registry;
  /** every answered request, by listener, route template, method and status class (2xx, 4xx…) */
  readonly requests: Counter<'listener' | 'route' | 'method' | 'status_class'>;
  /** a push from its parse to its answer, every mutation of it applied */
  readonly pushSeconds: Histogram;
  /** each pushed mutation's outcome (applied, conflict, rejected, held) */
  readonly pushedMutations: Counter<'outcome'>;
  /** pages of changes read for pulls (PULL_PAGE_ROWS rows at most each) */
  readonly pullPages: Counter;
  /** desks with a live poke stream open on this node */
  readonly connectedDesks: Gauge;
  /** desks this node poked for one advance of the change log */
  readonly pokeFanout: Histogram;
}

const PREFIX = 'caredesk_';
/** the methods routes are declared with; anything else a client sends is `other` (a label takes no free text) */
const METHODS = new Set(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS']);

export function storeMetrics(): StoreMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: `${PREFIX}http_requests_total`, help: 'Requests answered, by listener, route template, method and status class', labelNames: ['listener', 'route', 'method', 'status_class'], registers }),
    pushSeconds: new Histogram({
      name: `${PREFIX}push_duration_seconds`,
      help: 'Time to apply and answer a push',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    pushedMutations: new Counter({ name: `${PREFIX}pushed_mutations_total`, help: 'Pushed mutations, by outcome', labelNames: ['outcome'], registers }),
    pullPages: new Counter({ name: `${PREFIX}pull_pages_total`, help: 'Pages of changes read for pulls', registers }),
    connectedDesks: new Gauge({ name: `${PREFIX}connected_desks`, help: 'Desks with a live poke stream open on this node', registers }),
    pokeFanout: new Histogram({
      name: `${PREFIX}poke_fanout_desks`,
      help: 'Open streams one round of pokes reaches (a round carries every advance of the change log since the last: pokes are paced)',
      buckets: [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    }),
  };
}

/** The labels of one answered request: the route's template, never its URL. */
export function requestLabels(listener: 'api' | 'enrolment', route: string | undefined, method: string, status: number) {
  return { listener, route: route ?? 'unmatched', method: METHODS.has(method) ? method : 'other', status_class: `${Math.floor(status / 100)}xx` };
}

/** The PostgreSQL pool's connections, read at each scrape (absent on SQLite, which has no pool). */
export function observePool(metrics: StoreMetrics, stats: () => { total: number; idle: number; waiting: number }): void {
  const registers = [metrics.registry];
  const gauge = (name: string, help: string, read: (s: ReturnType<typeof stats>) => number) =>
    new Gauge({
      name: `${PREFIX}db_pool_${name}`,
      help,
      registers,
      collect() {
        this.set(read(stats()));
      },
    });
  gauge('connections', 'Connections the database pool holds', (s) => s.total);
  gauge('idle_connections', 'Connections of the pool not in use', (s) => s.idle);
  gauge('waiting_requests', 'Queries waiting for a connection of the pool', (s) => s.waiting);
}

/** The store's own counts read at each scrape (internal errors: http/internalErrors.ts), and the process's (memory, CPU, event loop). */
export function observeProcess(metrics: StoreMetrics, internalErrors: () => number): void {
  new Gauge({
    name: `${PREFIX}internal_errors`,
    help: 'Errors the store did not expect since it started (each also logged)',
    registers: [metrics.registry],
    collect() {
      this.set(internalErrors());
    },
  });
  collectDefaultMetrics({ register: metrics.registry, prefix: PREFIX });
}
