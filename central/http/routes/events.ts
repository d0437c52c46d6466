import type { FastifyInstance } from 'fastify';
import { API, type RevocationScope, type ServerEvent } from '../../../domain';
import type { StoreContext } from '../../context';
import { sessionEnded } from '../../identity/sessions';
import { changeHead } from '../../storage/changeLog';
import { sessionOf } from '../access';

/**
 * Live pokes (DESIGN §5) as server-sent events: the current head on connect (nothing slips between
 * the last pull and the subscription), then one `poke` per change-log advance; the workstation pulls.
 * A `revoked` event ends the stream when the session is signed out, revoked or expires, its user is
 * disabled or its device revoked. The change feed brings revocations made by any process within
 * about a second (sync/storeWatch.ts); each heartbeat also looks at the session itself, so a stream
 * outlives its session by one heartbeat at most even if the feed missed it. The heartbeat is also
 * what tells the workstation a silent stream is dead (LIVE_STREAM in domain/sync/protocol.ts).
 */
export function eventRoutes(app: FastifyInstance, ctx: StoreContext): void {
  // desks this node pokes for each advance of the log: every stream open when it is published
  let open = 0;
  const unsubscribeFanout = ctx.feed.subscribe((signal) => {
    if (signal.kind === 'advanced') ctx.metrics.pokeFanout.observe(open);
  });
  app.addHook('onClose', async () => void unsubscribeFanout());
  // a stopping node ends its streams (the desk reconnects, to another node behind the balancer), so
  // that closing waits only on the requests in flight (http/server.ts)
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => streams.forEach((close) => close()));

  app.get(API.events, async (request, reply) => {
    const session = sessionOf(request);
    const head = await changeHead(ctx.db);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    let ended = false;
    const send = (event: ServerEvent) => void (ended || res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    const end = (scope: RevocationScope, reason: string) => {
      if (ended) return;
      send({ type: 'revoked', scope, reason });
      ended = true;
      res.end();
    };
    send({ type: 'poke', head });
    const close = () => void (ended || ((ended = true), res.end()));
    streams.add(close);
    open++;
    ctx.metrics.connectedDesks.inc();

    const unsubscribe = ctx.feed.subscribe((signal) => {
      if (signal.kind === 'advanced') send({ type: 'poke', head: signal.head });
      else if (signal.sessions.includes(session.tokenHash)) end(signal.scope, signal.reason);
    });
    const heartbeat = setInterval(() => {
      void sessionEnded(ctx.db, ctx.clock, session.tokenHash).then(
        (why) => {
          if (ended) return;
          if (why) end(why.scope, why.reason);
          else res.write(': heartbeat\n\n');
        },
        // the database is closing with the server: the stream closes with it
        () => undefined,
      );
    }, ctx.heartbeatMs);
    res.on('close', () => {
      streams.delete(close);
      open--;
      ctx.metrics.connectedDesks.dec();
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
