import type { FastifyInstance } from 'fastify';
import { API, AdjustmentRequest, AdjustmentResponse, ReplaceCardRequest, ReplaceCardResponse, parseOrThrow } from '../../../domain';
import { recordAdjustment } from '../../billing/adjustments';
import { replaceCard } from '../../billing/replaceCard';
import type { StoreContext } from '../../context';
import { sessionOf } from '../access';

/** The online-only billing calls: a new card on file, a credit or adjustment. */
export function billingRoutes(app: FastifyInstance, ctx: StoreContext): void {
  app.post<{ Params: { paymentMethodId: string } }>(API.replaceCard(':paymentMethodId'), async (request) => {
    const body = parseOrThrow(ReplaceCardRequest, request.body);
    return ReplaceCardResponse.parse(await replaceCard(ctx, sessionOf(request), request.params.paymentMethodId, body));
  });

  app.post<{ Params: { billingAccountId: string } }>(API.adjustments(':billingAccountId'), async (request) => {
    const body = parseOrThrow(AdjustmentRequest, request.body);
    return AdjustmentResponse.parse(await recordAdjustment(ctx, sessionOf(request), request.params.billingAccountId, body));
  });
}
