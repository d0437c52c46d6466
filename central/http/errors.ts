import type { FastifyError, FastifyReply } from 'fastify';
import { CareDeskError, toErrorBody, type ErrorCode } from '../../domain';
import type { InternalErrors } from './internalErrors';

/** HTTP status of each error code the store answers with; the body is always `{ error: ErrorBody }`. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  validation: 400,
  unauthenticated: 401,
  device_not_enrolled: 401,
  forbidden: 403,
  user_disabled: 403,
  not_found: 404,
  conflict: 409,
  resync_required: 409,
  too_large: 413,
  rate_limited: 429,
  protocol_unsupported: 426,
  unavailable: 503,
};

/** Fastify's own refusals (body too large, not JSON, wrong media type) in the store's error shape. */
function fromFramework(err: FastifyError): CareDeskError | null {
  if (err.statusCode === 413) return new CareDeskError('too_large', 'the request body is larger than 1 MiB');
  if (err.statusCode === 415) return new CareDeskError('validation', 'send the body as application/json', [{ field: '(body)', rule: 'content_type', message: err.message }]);
  // the parser's own message may quote the body, which may hold a card number: never echo it
  if (err.statusCode === 400) return new CareDeskError('validation', 'the request body is not valid JSON', [{ field: '(body)', rule: 'json', message: 'not valid JSON' }]);
  return null;
}

/** Answers with the store's error shape; an error it did not expect is logged and counted, and its answer names the request id. */
export function sendError(reply: FastifyReply, err: unknown, internalErrors: InternalErrors): FastifyReply {
  const known = err instanceof CareDeskError ? err : fromFramework(err as FastifyError);
  const status = known ? (STATUS[known.code] ?? 500) : 500;
  reply.request.errorCode = known && status < 500 ? known.code : known?.code === 'unavailable' ? 'unavailable' : 'internal';
  // a refusal, or a service the store depends on being down (its mail relay): said plainly, not an internal error
  if (known && (status < 500 || known.code === 'unavailable')) return reply.status(status).send({ error: toErrorBody(known) });
  internalErrors.record(reply.request, err);
  return reply.status(500).send({ error: { code: 'internal', message: `internal error (request ${reply.request.id})` } });
}
