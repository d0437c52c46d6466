import type { FastifyInstance } from 'fastify';
import { requestLabels, type StoreMetrics } from './metrics';

/**
 * Each answered request of a listener, counted by its route's template (never its URL, which holds
 * record ids, nor its query string).
 */
export function observeRequests(app: FastifyInstance, metrics: StoreMetrics, listener: 'api' | 'enrolment'): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc(requestLabels(listener, request.routeOptions.url, request.method, reply.statusCode));
  });
}
