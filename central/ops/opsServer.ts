import Fastify, { type FastifyInstance } from 'fastify';
import type { StoreContext } from '../context';
import { healthRoute, readyRoute } from '../http/routes/identity';
import type { Readiness } from './readiness';

/**
 * The ops listener (issue 15, item 7): plain HTTP for Prometheus and probes, on its own port, bound
 * to loopback unless config.json's `ops.host` says otherwise. It serves `/metrics`, health and
 * readiness, and nothing else: no route of the API, no record. The API's listeners never serve
 * `/metrics` (a desk has no business reading the store's counters). Its own requests are not counted,
 * so a scrape does not move what it reads.
 */
export async function createOpsServer(ctx: StoreContext, readiness: Readiness): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const { registry } = ctx.metrics;
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics()));
  healthRoute(app, ctx);
  readyRoute(app, readiness);
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: { code: 'not_found', message: 'no such route' } }));
  await app.ready();
  return app;
}
