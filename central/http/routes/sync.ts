import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { API, PullQuery, PushRequest, PushResponse, RegisterClientRequest, RegisterClientResponse, parseOrThrow } from '../../../domain';
import { auditBillingReads } from '../../billing/billingReads';
import type { StoreContext } from '../../context';
import { registerClient } from '../../sync/clients';
import { pullLines } from '../../sync/pull';
import { push } from '../../sync/push';
import { sessionOf } from '../access';

/** Client registration, pull (NDJSON stream) and push. */
export function syncRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post(API.clients, async (request) => {
    const { clientId } = parseOrThrow(RegisterClientRequest, request.body);
    return RegisterClientResponse.parse(await registerClient(ctx.db, ctx.clock, sessionOf(request), clientId));
  });

  // pulls still streaming: on shutdown each finishes its audit row before the database closes
  const streaming = new Set<Promise<void>>();
  app.addHook('onClose', async () => void (await Promise.all(streaming)));

  app.get(API.pull, async (request, reply) => {
    const query = parseOrThrow(PullQuery, request.query);
    // Readable.from pulls the next page only when the socket has drained: memory stays flat at any size
    const session = sessionOf(request);
    const body = Readable.from(auditBillingReads(ctx, session, pullLines(ctx, session, query)), { objectMode: false });
    const done = finished(body).catch(() => undefined);
    streaming.add(done);
    void done.then(() => streaming.delete(done));
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(body);
  });

  // a malformed push is refused whole, before anything of it is applied (DESIGN §8)
  app.post(API.push, async (request) => {
    const body = parseOrThrow(PushRequest, request.body);
    return PushResponse.parse(await push(ctx, sessionOf(request), body));
  });
}
