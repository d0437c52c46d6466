import type { FastifyInstance } from 'fastify';
import { API, type RevocationScope, type ServerEvent } from '../../../domain';
import type { StoreContext } from '../../context';
import { sessionEnded } from '../../identity/sessions';
import { changeHead } from '../../storage/changeLog';
import { sessionOf } from '../access';

/**
 * At most one poke per this many milliseconds on each stream: a burst of advances (hundreds of desks
 * pushing, another node's commits) reaches each desk as one poke with the latest head, never one per
 * change — one write per desk per interval, not one per change per desk (issue 15, the load bench:
 * 100 desks at 100 edits/s were 10,000 TLS writes a second). An advance after a quiet spell goes out
 * at once; one within the interval of the last poke waits for its end. A desk pulls everything up to
 * the head it is told, so nothing is lost by telling it less often.
 */
export const POKE_INTERVAL_MS = 50;

/**
 * Live pokes (DESIGN §5) as server-sent events: the current head on connect (nothing slips between
 * the last pull and the subscription), then a `poke` with the latest head whenever the change log
 * advanced, at most one per POKE_INTERVAL_MS; the workstation pulls.
 * A `revoked` event ends the stream when the session is signed out, revoked or expires, its user is
 * disabled or its device revoked. The change feed brings revocations made by any process within
 * about a second (sync/storeWatch.ts); each heartbeat also looks at the session itself, so a stream
 * outlives its session by one heartbeat at most even if the feed missed it. The heartbeat is also
 * what tells the workstation a silent stream is dead (LIVE_STREAM in domain/sync/protocol.ts).
 */
export function eventRoutes(app: FastifyInstance, ctx: StoreContext): void {
  /** each open stream's poke: sends `head` unless the stream was told it (or a later one) already */
  const pokes = new Set<(head: number) => void>();
  let latest = 0;
  let pokedAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  const pokeAll = () => {
    timer = null;
    pokedAt = performance.now();
    // desks this node pokes for each advance of the log it sends
    ctx.metrics.pokeFanout.observe(pokes.size);
    for (const poke of pokes) poke(latest);
  };
  const unsubscribeFanout = ctx.feed.subscribe((signal) => {
    if (signal.kind !== 'advanced' || signal.head <= latest) return;
    latest = signal.head;
    if (timer) return;
    const wait = pokedAt + POKE_INTERVAL_MS - performance.now();
    if (wait <= 0) pokeAll();
    else timer = setTimeout(pokeAll, wait);
  });
  app.addHook('onClose', async () => {
    unsubscribeFanout();
    if (timer) clearTimeout(timer);
  });
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
    let told = head;
    const poke = (latestHead: number) => {
      if (latestHead <= told) return;
      told = latestHead;
      send({ type: 'poke', head: latestHead });
    };
    const close = () => void (ended || ((ended = true), res.end()));
    streams.add(close);
    pokes.add(poke);
    ctx.metrics.connectedDesks.inc();

    const unsubscribe = ctx.feed.subscribe((signal) => {
      if (signal.kind === 'revoked' && signal.sessions.includes(session.tokenHash)) end(signal.scope, signal.reason);
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
      pokes.delete(poke);
      ctx.metrics.connectedDesks.dec();
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
