import type { FastifyInstance } from 'fastify';
import { API, type RevocationScope, type ServerEvent } from '../../../domain';
import type { StoreContext } from '../../context';
import { changeHead } from '../../storage/changeLog';
import { sessionOf } from '../access';

export const HEARTBEAT_MS = 15_000;

/**
 * Live pokes (DESIGN §5) as server-sent events: the current head on connect (nothing slips between
 * the last pull and the subscription), then one `poke` per change-log advance; the workstation pulls.
 * A `revoked` event ends the stream when the session is signed out, revoked or expires.
 */
export function eventRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.get(API.events, async (request, reply) => {
    const session = sessionOf(request);
    const head = await changeHead(ctx.db);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const send = (event: ServerEvent) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const end = (scope: RevocationScope, reason: string) => {
      send({ type: 'revoked', scope, reason });
      res.end();
    };
    send({ type: 'poke', head });

    const unsubscribe = ctx.feed.subscribe((signal) => {
      if (signal.kind === 'advanced') send({ type: 'poke', head: signal.head });
      else if (signal.sessions.includes(session.tokenHash)) end(signal.scope, signal.reason);
    });
    const heartbeat = setInterval(() => {
      if (ctx.clock().toISOString() >= session.expiresAt) end('session', 'session expired');
      else res.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
