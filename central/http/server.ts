import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { CareDeskError, LIMITS, PROTOCOL, protocolMismatch, type ProtocolRange } from '../../domain';
import type { StoreContext } from '../context';
import { checkAccess } from './access';
import { sendError } from './errors';
import { InternalErrors, stderrErrorLog } from './internalErrors';
import { parseJsonBodies } from './jsonBody';
import { billingRoutes } from './routes/billing';
import { historyRoutes } from './routes/history';
import { operationRoutes } from '../operations';
import { erasureRoutes } from './routes/erasure';
import { eventRoutes } from './routes/events';
import { Readiness } from '../ops/readiness';
import { observeRequests } from '../ops/requestSummary';
import { enrolmentRoutes, healthRoute, identityRoutes, readyRoute } from './routes/identity';
import { syncRoutes } from './routes/sync';
import { verificationRoutes } from './routes/verification';

declare module 'fastify' {
  interface FastifyRequest {
    /** the sync protocol version the desk speaks (checkProtocol): what it may be sent (Fastify's own `protocol` is http/https) */
    syncProtocol: number;
  }
}

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** the CA whose device certificates the store accepts */
  caPem: string;
}

interface ServerOptions {
  /** the store's log (ops/log.ts): a summary line per request, by route template */
  log?: Logger;
  internalErrors?: InternalErrors;
  /** the node's readiness, shared by its listeners (default: one that never stops) */
  readiness?: Readiness;
}

/**
 * The store's HTTPS API. TLS 1.3 only (DESIGN §1), and the handshake demands a device certificate
 * issued by the organisation CA: a client without one never completes the handshake, so no request
 * of it is parsed. Revocation is checked per request (access.ts), against the database: a revoked
 * device must hear `device_not_enrolled` to wipe what it holds, which a refused handshake could not
 * tell it. Enrolment, the one thing done without a certificate, has its own listener
 * (createEnrolmentServer).
 */
export async function createHttpServer(ctx: StoreContext, tls: TlsMaterial, options: ServerOptions = {}): Promise<FastifyInstance> {
  const internalErrors = options.internalErrors ?? new InternalErrors(stderrErrorLog, ctx.clock);
  const app = baseApp(ctx, tls, { requestCert: true, rejectUnauthorized: true }, internalErrors);
  observeRequests(app, ctx.metrics, 'api', options.log ?? SILENT);
  app.addHook('onRequest', async (request) => checkAccess(ctx, request));
  healthRoute(app, ctx);
  readyRoute(app, options.readiness ?? new Readiness(ctx.db));
  identityRoutes(app, ctx);
  syncRoutes(app, ctx, internalErrors);
  verificationRoutes(app, ctx);
  billingRoutes(app, ctx);
  historyRoutes(app, ctx);
  erasureRoutes(app, ctx);
  operationRoutes(app, ctx);
  eventRoutes(app, ctx);
  await app.ready();
  return app;
}

/**
 * The enrolment listener: the handshake asks for no certificate, and only health, readiness and enrolment
 * answer (every other path is `not_found`). An enrolment code is the credential here; codes are
 * throttled per address and in total (identity/enrolmentThrottle.ts).
 */
export async function createEnrolmentServer(ctx: StoreContext, tls: TlsMaterial, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = baseApp(ctx, tls, { requestCert: false }, options.internalErrors ?? new InternalErrors(stderrErrorLog, ctx.clock));
  observeRequests(app, ctx.metrics, 'enrolment', options.log ?? SILENT);
  healthRoute(app, ctx);
  readyRoute(app, options.readiness ?? new Readiness(ctx.db));
  enrolmentRoutes(app, ctx);
  await app.ready();
  return app;
}

/** The version the desk sent (none: a desk from before the header, version 1) against the range this store speaks. */
function checkProtocol(range: ProtocolRange, header: string | string[] | undefined): number {
  const sent = header === undefined ? '1' : String(header);
  const version = /^\d{1,6}$/.test(sent) ? Number(sent) : NaN;
  if (Number.isNaN(version)) throw new CareDeskError('validation', `the ${PROTOCOL.header} header must be a version number`, [{ field: `(header ${PROTOCOL.header})`, rule: 'protocol.version', message: 'a whole number' }]);
  const mismatch = protocolMismatch(version, range);
  if (mismatch) throw new CareDeskError('protocol_unsupported', mismatch);
  return version;
}

const SILENT = pino({ level: 'silent' });

/** How long a stopping listener waits for its requests in flight before it cuts their connections. */
export const CLOSE_GRACE_MS = 10_000;

/**
 * Stops a listener: no new connection or request, the requests in flight answered, then closed;
 * a connection still open after `graceMs` (a client that stopped reading, a body that never ends)
 * is cut so that the node stops in bounded time.
 */
export async function closeServer(app: FastifyInstance, graceMs = CLOSE_GRACE_MS): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

function baseApp(ctx: StoreContext, tls: TlsMaterial, clientCertificate: { requestCert: boolean; rejectUnauthorized?: boolean }, internalErrors: InternalErrors): FastifyInstance {
  const app = Fastify({
    https: { cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, minVersion: 'TLSv1.3', ...clientCertificate },
    // refused before parsing (DESIGN §9); so is a body nesting deeper than LIMITS.maxJsonDepth (jsonBody.ts)
    bodyLimit: LIMITS.maxBodyBytes,
    // Fastify's own request log would write URLs (record ids) and query strings: the store logs its own summary (ops/requestSummary.ts)
    logger: false,
    // on close, idle keep-alive connections go at once and a request in flight finishes (a push commits
    // and is answered, a pull streams to its end); event streams end themselves (routes/events.ts), and
    // whatever is still open after CLOSE_GRACE_MS is cut (closeServer)
    forceCloseConnections: 'idle',
    // named in an internal error's answer and its log line; unique across restarts and nodes
    genReqId: () => randomUUID(),
  });
  parseJsonBodies(app);
  // before anything else reads the request: a desk that speaks no version of ours is told so, on both listeners
  app.decorateRequest('syncProtocol', 1);
  app.addHook('onRequest', async (request) => {
    request.syncProtocol = checkProtocol(ctx.protocols, request.headers[PROTOCOL.header]);
  });
  app.decorateRequest('device', null);
  app.decorateRequest('session', null);
  app.setErrorHandler((err, _request, reply) => sendError(reply, err, internalErrors));
  app.setNotFoundHandler((_request, reply) => sendError(reply, new CareDeskError('not_found', 'no such route'), internalErrors));
  return app;
}
