import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../domain';
import { requestLabels, type StoreMetrics } from './metrics';

declare module 'fastify' {
  interface FastifyRequest {
    /** the code of the error the request was answered with (http/errors.ts), for its log line */
    errorCode: ErrorCode | 'internal' | null;
  }
}

/**
 * Each request of a listener, counted and logged by its route's template: never its URL (record ids),
 * its query string, its headers (the bearer token) or its body (PII, card numbers, passwords, codes).
 * A refusal is logged with its code (`unauthenticated`, `validation`), never with what was refused.
 * `request received` (debug) marks a request's arrival, e.g. for the crash harness's mid-push kill.
 */
export function observeRequests(app: FastifyInstance, metrics: StoreMetrics, listener: 'api' | 'enrolment', log: Logger): void {
  app.decorateRequest('errorCode', null);
  app.addHook('onRequest', async (request) => {
    if (log.isLevelEnabled('debug')) log.debug({ listener, route: request.routeOptions.url ?? 'unmatched', method: request.method, requestId: request.id }, 'request received');
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = requestLabels(listener, request.routeOptions.url, request.method, reply.statusCode);
    metrics.requests.inc(labels);
    log.info(
      { listener, route: labels.route, method: labels.method, status: reply.statusCode, ms: Math.round(reply.elapsedTime), requestId: request.id, ...(request.errorCode ? { errorCode: request.errorCode } : {}) },
      'request',
    );
  });
}
