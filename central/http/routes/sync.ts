import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API, CareDeskError, PENDING_HEADER, VIEW_HEAD_HEADER, PullQuery, PushRequest, PushResponse, RegisterClientRequest, RegisterClientResponse, SNAPSHOT_SINCE_PROTOCOL, SnapshotQuery, parseOrThrow } from '../../../domain';
import { auditBillingReads } from '../../billing/billingReads';
import type { StoreContext } from '../../context';
import { noteDeskReport } from '../../admin/workstations';
import { registerClient } from '../../sync/clients';
import { refuseStalePull } from '../../sync/generation';
import { pullLines } from '../../sync/pull';
import { snapshotLines } from '../../sync/snapshot';
import { push, pushResponseFor } from '../../sync/push';
import { noteViewHead } from '../../sync/viewChains';
import { sessionOf } from '../access';
import type { InternalErrors } from '../internalErrors';

/** Client registration, pull and snapshot (NDJSON streams) and push. */
export function syncRoutes(app: FastifyInstance, ctx: StoreContext, internalErrors: InternalErrors): void {
  app.post(API.clients, async (request) => {
    const { clientId } = parseOrThrow(RegisterClientRequest, request.body);
    return RegisterClientResponse.parse(await registerClient(ctx.db, ctx.clock, sessionOf(request), clientId));
  });

  // pulls still streaming: on shutdown each finishes its audit row before the database closes
  const streaming = new Set<Promise<void>>();
  app.addHook('onClose', async () => void (await Promise.all(streaming)));

  app.get(API.pull, async (request, reply) => {
    const query = parseOrThrow(PullQuery, request.query);
    const session = sessionOf(request);
    // a cursor from before a restore is refused before anything streams (protocol 3)
    await refuseStalePull(ctx, session, request.syncProtocol, query);
    // the desk's word on its outbox, for the admin's view of what a wipe would lose (admin/workstations.ts)
    await noteDeskReport(ctx, session, request.headers[PENDING_HEADER]);
    // the head of the desk's chain of offline reads (protocol 9, issue 16): a malformed one refuses the pull, naming the part
    await noteViewHead(ctx, session, request.headers[VIEW_HEAD_HEADER]);
    // Readable.from pulls the next page only when the socket has drained: memory stays flat at any size
    return stream(reply, request, auditBillingReads(ctx, session, pullLines(ctx, session, { ...query, protocol: request.syncProtocol })));
  });

  // a first sync's snapshot (protocol 7): one row per customer aggregate, consistent at `at`
  app.get(API.snapshot, async (request, reply) => {
    const session = sessionOf(request);
    if (request.syncProtocol < SNAPSHOT_SINCE_PROTOCOL) throw new CareDeskError('not_found', `the snapshot needs sync protocol ${SNAPSHOT_SINCE_PROTOCOL}; pull instead`);
    const query = parseOrThrow(SnapshotQuery, request.query);
    // a snapshot resumed at a head from before a restore is refused like such a pull's cursor
    await refuseStalePull(ctx, session, request.syncProtocol, { cursor: query.at ?? 0, ...(query.generation ? { generation: query.generation } : {}) });
    await noteDeskReport(ctx, session, request.headers[PENDING_HEADER]);
    await noteViewHead(ctx, session, request.headers[VIEW_HEAD_HEADER]);
    return stream(reply, request, auditBillingReads(ctx, session, snapshotLines(ctx, session, { ...query, protocol: request.syncProtocol })));
  });

  function stream(reply: FastifyReply, request: FastifyRequest, lines: AsyncIterable<string>) {
    const body = Readable.from(reportingFailure(lines, (err) => internalErrors.record(request, err)), { objectMode: false });
    const done = finished(body).catch(() => undefined);
    streaming.add(done);
    void done.then(() => streaming.delete(done));
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(body);
  }

  // a malformed push is refused whole, before anything of it is applied (DESIGN §8)
  app.post(API.push, async (request) => {
    const done = ctx.metrics.pushSeconds.startTimer();
    try {
      const body = parseOrThrow(PushRequest, request.body);
      const response = await push(ctx, sessionOf(request), body);
      for (const result of response.results) ctx.metrics.pushedMutations.inc({ outcome: result.status });
      return PushResponse.parse(pushResponseFor(request.syncProtocol, response));
    } finally {
      done();
    }
  });
}

/**
 * A failure while the pull streams comes after the 200 and its headers, where the error handler no
 * longer sees it: the desk only finds its stream cut. Logged and counted here, then passed on to cut
 * the stream. A desk that hangs up ends the generator without an error, and is not counted.
 */
async function* reportingFailure<T>(lines: AsyncIterable<T>, report: (err: unknown) => void): AsyncGenerator<T> {
  try {
    yield* lines;
  } catch (err) {
    report(err);
    throw err;
  }
}
