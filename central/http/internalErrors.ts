import type { FastifyRequest } from 'fastify';
import type { Clock } from '../context';

/**
 * What the store logs of an error it did not expect: enough to find it, nothing of what the request
 * carried. Bodies hold PII and card numbers, URLs hold record ids, and an error's own message may
 * quote either, so none of them is logged; the request id ties the line to the answer the desk got.
 */
export interface InternalErrorEntry {
  at: string;
  /** the error's class, e.g. `SqliteError`, `RangeError` */
  errorClass: string;
  /** the error's code when it has a code-like one (`SQLITE_BUSY`, `ERR_STREAM_…`), else null */
  code: string | null;
  method: string;
  /** the route's pattern (`/v1/customers/:customerId/verification`), never the URL */
  route: string;
  requestId: string;
}

export type InternalErrorLog = (entry: InternalErrorEntry) => void;

/** The default log: one JSON line on stderr, whether Fastify's request logger is on or not. */
export const stderrErrorLog: InternalErrorLog = (entry) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'internal error', ...entry })}\n`);
};

const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Logs and counts the store's internal errors; `count` is what monitoring reads (CentralStore.metrics). */
export class InternalErrors {
  private total = 0;
  /** an error may reach two reporters (a stream's own, then Fastify's error handler): counted once */
  private readonly recorded = new WeakSet<object>();

  constructor(
    private readonly log: InternalErrorLog,
    private readonly clock: Clock,
  ) {}

  get count(): number {
    return this.total;
  }

  record(request: FastifyRequest, err: unknown): void {
    if (typeof err === 'object' && err !== null) {
      if (this.recorded.has(err)) return;
      this.recorded.add(err);
    }
    this.total++;
    const code = (err as { code?: unknown } | null)?.code;
    const entry: InternalErrorEntry = {
      at: this.clock().toISOString(),
      errorClass: err instanceof Error ? err.constructor.name : typeof err,
      code: typeof code === 'string' && CODE.test(code) ? code : null,
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      requestId: request.id,
    };
    try {
      this.log(entry);
    } catch {
      // a failing log sink must not turn one error into two; the count still shows it
    }
  }
}
