import type { FastifyInstance } from 'fastify';
import { API, VerificationAttempts, VerifyRequest, VerifyResponse, parseOrThrow } from '../../../domain';
import type { StoreContext } from '../../context';
import { verificationAttempts, verifyCaller } from '../../verification/callerVerification';
import { sessionOf } from '../access';

export function verificationRoutes(app: FastifyInstance, ctx: StoreContext): void {
  // the attempts left before the first question: per customer across all users, so only the store knows
  app.get<{ Params: { customerId: string } }>(API.verify(':customerId'), async (request) => VerificationAttempts.parse(await verificationAttempts(ctx, sessionOf(request), request.params.customerId)));

  app.post<{ Params: { customerId: string } }>(API.verify(':customerId'), async (request) => {
    const body = parseOrThrow(VerifyRequest, request.body);
    return VerifyResponse.parse(await verifyCaller(ctx, sessionOf(request), request.params.customerId, body));
  });
}
