import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { CareDeskError, LIMITS } from '../../domain';
import type { StoreContext } from '../context';
import { checkAccess } from './access';
import { sendError } from './errors';
import { InternalErrors, stderrErrorLog } from './internalErrors';
import { parseJsonBodies } from './jsonBody';
import { billingRoutes } from './routes/billing';
import { eventRoutes } from './routes/events';
import { identityRoutes } from './routes/identity';
import { syncRoutes } from './routes/sync';
import { verificationRoutes } from './routes/verification';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** the CA whose device certificates the store accepts */
  caPem: string;
}

/**
 * The store's HTTPS API. TLS 1.3 only (DESIGN §1). The handshake asks for a client certificate but
 * does not demand one, so that a new workstation can enrol; every other route then requires an
 * enrolled device (see access.ts).
 */
export async function createHttpServer(
  ctx: StoreContext,
  tls: TlsMaterial,
  options: { logger?: boolean; internalErrors?: InternalErrors } = {},
): Promise<FastifyInstance> {
  const internalErrors = options.internalErrors ?? new InternalErrors(stderrErrorLog, ctx.clock);
  const app = Fastify({
    https: { cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, minVersion: 'TLSv1.3', requestCert: true, rejectUnauthorized: false },
    // refused before parsing (DESIGN §9); so is a body nesting deeper than LIMITS.maxJsonDepth (jsonBody.ts)
    bodyLimit: LIMITS.maxBodyBytes,
    // off unless asked for; when on, Fastify logs a request's method and URL, never its body, where card numbers travel
    logger: options.logger ?? false,
    // event streams never go idle: close them with the server
    forceCloseConnections: true,
    // named in an internal error's answer and its log line; unique across restarts and nodes
    genReqId: () => randomUUID(),
  });
  parseJsonBodies(app);
  app.decorateRequest('device', null);
  app.decorateRequest('session', null);
  app.setErrorHandler((err, _request, reply) => sendError(reply, err, internalErrors));
  app.setNotFoundHandler((_request, reply) => sendError(reply, new CareDeskError('not_found', 'no such route'), internalErrors));
  app.addHook('onRequest', async (request) => checkAccess(ctx, request));

  identityRoutes(app, ctx);
  syncRoutes(app, ctx, internalErrors);
  verificationRoutes(app, ctx);
  billingRoutes(app, ctx);
  eventRoutes(app, ctx);
  await app.ready();
  return app;
}
