import type { FastifyInstance } from 'fastify';
import { API, VerifyRequest, VerifyResponse, parseOrThrow } from '../../../domain';
import type { StoreContext } from '../../context';
import { verifyCaller } from '../../verification/callerVerification';
import { sessionOf } from '../access';

export function verificationRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post<{ Params: { customerId: string } }>(API.verify(':customerId'), async (request) => {
    const body = parseOrThrow(VerifyRequest, request.body);
    return VerifyResponse.parse(await verifyCaller(ctx, sessionOf(request), request.params.customerId, body));
  });
}
